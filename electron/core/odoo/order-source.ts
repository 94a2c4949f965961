// The pack session's view of Odoo: find a picking by the scanned name. A failure to reach Odoo
// becomes OrderSourceUnavailable so the bench falls back to its local copy. The packer waits for
// Odoo at most a short budget per question; a slower answer goes on in the background (it only
// tells the link that Odoo is back), and while the link is offline a scan does not ask and wait.
import { said, type Said } from '../i18n/translator';
import type { Order } from '../../../shared/order';
import { OdooError } from './errors';
import { OdooLink, PROMPT_MS } from './odoo-link';
import type { OdooTransport } from './transport';
import { claimPicking } from './claims';
import { findPickingByName, ReferenceData } from './pickings';

/** Where orders come from when the network is up (Odoo); throws when it cannot be reached. */
export interface OrderSource {
  readonly binding: { url: string; db: string };
  findByName(name: string): Promise<Order | null>;
  /**
   * Whether the local copy of an order can be opened as it is, without reading Odoo again: it is
   * ready, and the prefetch caught up with Odoo within its interval (so any write to the picking
   * since would have reached the copy). Absent: always read Odoo.
   */
  isFresh?(cached: { order: Order }): boolean;
  /**
   * Claim the order for this bench in Odoo, or say who holds it. `offline`: Odoo could not be
   * reached, the claim is only local and is checked again before dispatch.
   */
  claim?(order: Order, bench: { name: string; packer: string }): Promise<{ ok: true; offline?: boolean } | { ok: false; message: Said }>;
  /** Whether Odoo has a lot or serial of this name for the product, in the order's company; null: cannot tell now. */
  lotExists?(order: Order, productId: number, name: string): Promise<boolean | null>;
}

/** Odoo cannot be reached: the pack session falls back to its local copy. */
export class OrderSourceUnavailable extends Error {
  /** Why, for the packer, as a key: worded in the bench's language by the pack session. */
  constructor(readonly why: Said) {
    super(`Odoo unavailable (${why.key})`);
  }
}

/** How long a scan waits for Odoo before it uses the local copy. */
export const SCAN_BUDGET_MS = PROMPT_MS;

export interface OdooOrderSourceOptions {
  /** Whether Odoo answers (shared with the rest of the station); default: a link of its own. */
  link?: OdooLink;
  budgetMs?: number;
  /** How long ago the prefetch last caught up with Odoo (ms), or null if it never did. */
  localCopyAge?: () => number | null;
  /** The local copy counts as fresh while younger than this (default FRESH_MS). */
  freshMs?: number;
  /** The station's memory of records that never change under a bench (codes, companies); default: one of its own. */
  reference?: ReferenceData;
}

/**
 * A cached order opens without asking Odoo while the prefetch caught up within this (its 60 s
 * interval and a margin for a slow run). The incremental prefetch sees the picking's writes and its
 * customer's (the partner's write_date); what it cannot see (a move changed without the picking's
 * write_date) is checked again by the dispatch, as it is now.
 */
export const FRESH_MS = 90_000;

const LATE = Symbol('late');

/** The request's outcome if it comes within `ms`, else LATE; the request goes on, its outcome unread. */
function withinBudget<T>(request: Promise<T>, ms: number): Promise<T | typeof LATE> {
  request.catch(() => {}); // a late failure is the link's business (OdooLink.watch), not an unhandled rejection
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), ms)));
  return Promise.race([request, late]).finally(() => clearTimeout(timer));
}

export function createOdooOrderSource(transport: OdooTransport, options: OdooOrderSourceOptions = {}): OrderSource {
  const binding = { url: transport.url, db: transport.db };
  const reference = options.reference ?? new ReferenceData();
  const lotsSeen = new Set<string>();
  const link = options.link ?? new OdooLink();
  const budgetMs = options.budgetMs ?? SCAN_BUDGET_MS;
  /** A late answer counts as no answer now: Odoo is offline until a request succeeds. */
  const tooSlow = () => {
    link.failed(new OdooError({ kind: 'timeout', message: `Odoo did not answer within ${budgetMs} ms` }));
    return new OrderSourceUnavailable(link.reason());
  };
  /** While offline, one lookup at a time goes out in the background, so the bench notices Odoo is back. */
  let probing: Promise<unknown> | null = null;
  const probe = (name: string) => {
    probing ??= findPickingByName(transport, name, binding, reference)
      .catch(() => {})
      .finally(() => (probing = null));
  };
  const freshMs = options.freshMs ?? FRESH_MS;
  return {
    binding,
    isFresh({ order }) {
      if (!options.localCopyAge || order.state !== 'assigned') return false;
      const age = options.localCopyAge();
      return age !== null && age < freshMs;
    },
    async findByName(name: string): Promise<Order | null> {
      if (link.offline) {
        probe(name);
        throw new OrderSourceUnavailable(link.reason());
      }
      try {
        const found = await withinBudget(findPickingByName(transport, name, binding, reference), budgetMs);
        if (found === LATE) throw tooSlow();
        return found;
      } catch (error) {
        if (error instanceof OdooError) throw new OrderSourceUnavailable(error.packerSaid);
        throw error;
      }
    },
    async lotExists(order, productId, name) {
      const company = order.operation?.companyId ?? null;
      // A lot Odoo has stays there: each unit of the same lot is asked about once.
      const key = `${company}|${productId}|${name}`;
      if (lotsSeen.has(key)) return true;
      if (link.offline) return null;
      try {
        const count = await withinBudget(
          transport.call('stock.lot', 'search_count', {
            domain: [
              ['product_id', '=', productId],
              ['name', '=', name],
              ['company_id', 'in', company === null ? [false] : [company, false]],
            ],
          }),
          budgetMs,
        );
        if (count === LATE) {
          tooSlow();
          return null;
        }
        if (typeof count !== 'number') return null;
        if (count > 0) lotsSeen.add(key);
        return count > 0;
      } catch (error) {
        // Offline or refused: the lot is checked again when the order is sent.
        if (error instanceof OdooError) return null;
        throw error;
      }
    },
    async claim(order, bench) {
      if (link.offline) return { ok: true, offline: true };
      try {
        // Not answered in time: packed on a local claim, as offline (the late claim still lands).
        const outcome = await withinBudget(claimPicking(transport, { id: order.pickingId, name: order.name }, bench, Date.now()), budgetMs);
        if (outcome === LATE) {
          tooSlow();
          return { ok: true, offline: true };
        }
        return outcome.ok ? { ok: true } : { ok: false, message: outcome.message };
      } catch (error) {
        // Unreachable or busy: pack on a local claim, checked again before dispatch. A refusal
        // (e.g. the bench's user may not change pickings) is said, not hidden.
        if (error instanceof OdooError && !error.permanent && error.kind !== 'auth') return { ok: true, offline: true };
        if (error instanceof OdooError) return { ok: false, message: said('odoo.claim.failed', { order: order.name, why: error.packerSaid }) };
        throw error;
      }
    },
  };
}

/** For a bench with no Odoo configured: only the local copy. */
export function offlineOrderSource(binding: { url: string; db: string }, reason: Said): OrderSource {
  return {
    binding,
    async findByName() {
      throw new OrderSourceUnavailable(reason);
    },
  };
}
