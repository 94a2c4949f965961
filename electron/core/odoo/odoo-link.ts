// Whether Odoo is answering, as the bench's own requests tell it: a request that cannot reach Odoo,
// gets no answer in time or gets a gateway's error page (502/503/504: the proxy in front of Odoo
// answers, Odoo does not) marks it offline; the next prompt answer (from a scan, the prefetch or
// the outbox) marks it online again. An answer slower than a scan may wait does not: an Odoo that
// answers every request 2 s late is no use to a packer, and flipping back online on each late
// answer would make every next scan wait out its whole budget again. While offline, a scan does
// not wait for Odoo (order-source.ts).
import { said, type Said } from '../i18n/translator';
import { OdooError } from './errors';
import type { OdooTransport } from './transport';

/** How late an answer may be and still count as Odoo being back: what a scan waits for it (order-source.ts). */
export const PROMPT_MS = 1_500;

/** A gateway's page in place of Odoo's answer: the proxy in front of it is up, Odoo is not. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

function unreachable(error: OdooError): boolean {
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return error.kind === 'retryable' && error.odooName === undefined && error.status !== undefined && GATEWAY_STATUSES.has(error.status);
}

export type OdooLinkState = 'connecting' | 'online' | 'offline';

export class OdooLink {
  private current: OdooLinkState = 'connecting';
  private why: Said = said('odoo.error.network');

  /**
   * `onChange` runs on every change of state (offline → online is when queued results can go).
   * `promptMs`: an answer slower than this does not bring an offline link back (a scan's budget).
   */
  constructor(
    private readonly onChange: (state: OdooLinkState, before: OdooLinkState) => void = () => {},
    private readonly promptMs = PROMPT_MS,
  ) {}

  get state(): OdooLinkState {
    return this.current;
  }

  get offline(): boolean {
    return this.current === 'offline';
  }

  /** Why Odoo is offline, in the packer's words. */
  reason(): Said {
    return this.why;
  }

  /** Odoo answered a request, after `tookMs` (absent: promptly). A late answer keeps an offline link offline. */
  answered(tookMs = 0): void {
    if (this.current === 'offline' && tookMs > this.promptMs) return;
    this.set('online');
  }

  /**
   * Odoo could not be reached, did not answer in time, or a gateway answered for it. Other failures
   * say nothing about the link (a refused key may not even have been sent: see auth-latch.ts).
   */
  failed(error: unknown): void {
    if (!(error instanceof OdooError) || !unreachable(error)) return;
    this.why = error.packerSaid;
    this.set('offline');
  }

  /** The same transport, reporting every call's outcome to this link. */
  watch(transport: OdooTransport): OdooTransport {
    const report = <T>(request: Promise<T>): Promise<T> => {
      const started = performance.now();
      return request.then(
        (result) => {
          this.answered(performance.now() - started);
          return result;
        },
        (error: unknown) => {
          this.failed(error);
          throw error;
        },
      );
    };
    return {
      get protocol() {
        return transport.protocol;
      },
      url: transport.url,
      db: transport.db,
      call: (model, method, params) => report(transport.call(model, method, params)),
      // The version is asked once and then cached: a cached answer is no news of the link.
      version: () =>
        transport.version().catch((error: unknown) => {
          this.failed(error);
          throw error;
        }),
    };
  }

  private set(state: OdooLinkState): void {
    const before = this.current;
    if (before === state) return;
    this.current = state;
    this.onChange(state, before);
  }
}
