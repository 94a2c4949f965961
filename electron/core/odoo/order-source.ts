// The pack session's view of Odoo: find a picking by the scanned name. A failure to reach Odoo
// becomes OrderSourceUnavailable so the bench falls back to its local copy.
import type { Order } from '../../../shared/order';
import { OrderSourceUnavailable, type OrderSource } from '../pack/pack-session';
import { OdooError } from './errors';
import type { OdooTransport } from './transport';
import { claimPicking } from './claims';
import { findPickingByName, ReferenceData } from './pickings';

export function createOdooOrderSource(transport: OdooTransport): OrderSource {
  const binding = { url: transport.url, db: transport.db };
  const reference = new ReferenceData();
  const lotsSeen = new Set<string>();
  return {
    binding,
    async findByName(name: string): Promise<Order | null> {
      try {
        return await findPickingByName(transport, name, binding, reference);
      } catch (error) {
        if (error instanceof OdooError) throw new OrderSourceUnavailable(error.packerMessage);
        throw error;
      }
    },
    async lotExists(order, productId, name) {
      const company = order.operation?.companyId ?? null;
      // A lot Odoo has stays there: each unit of the same lot is asked about once.
      const key = `${company}|${productId}|${name}`;
      if (lotsSeen.has(key)) return true;
      try {
        const count = await transport.call('stock.lot', 'search_count', {
          domain: [
            ['product_id', '=', productId],
            ['name', '=', name],
            ['company_id', 'in', company === null ? [false] : [company, false]],
          ],
        });
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
      try {
        const outcome = await claimPicking(transport, { id: order.pickingId, name: order.name }, bench, Date.now());
        return outcome.ok ? { ok: true } : { ok: false, message: outcome.message };
      } catch (error) {
        // Unreachable or busy: pack on a local claim, checked again before dispatch. A refusal
        // (e.g. the bench's user may not change pickings) is said, not hidden.
        if (error instanceof OdooError && !error.permanent && error.kind !== 'auth') return { ok: true, offline: true };
        if (error instanceof OdooError) return { ok: false, message: `${order.name} could not be claimed in Odoo: ${error.packerMessage}` };
        throw error;
      }
    },
  };
}

/** For a bench with no Odoo configured: only the local copy. */
export function offlineOrderSource(binding: { url: string; db: string }, reason: string): OrderSource {
  return {
    binding,
    async findByName() {
      throw new OrderSourceUnavailable(reason);
    },
  };
}
