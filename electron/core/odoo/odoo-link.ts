// Whether Odoo is answering, as the bench's own requests tell it: a request that cannot reach Odoo
// or gets no answer in time marks it offline, the next answer (from a scan, the prefetch or the
// outbox) marks it online again. While offline, a scan does not wait for Odoo (order-source.ts).
import { said, type Said } from '../i18n/translator';
import { OdooError } from './errors';
import type { OdooTransport } from './transport';

export type OdooLinkState = 'connecting' | 'online' | 'offline';

export class OdooLink {
  private current: OdooLinkState = 'connecting';
  private why: Said = said('odoo.error.network');

  /** `onChange` runs on every change of state (offline → online is when queued results can go). */
  constructor(private readonly onChange: (state: OdooLinkState, before: OdooLinkState) => void = () => {}) {}

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

  /** Odoo answered a request. */
  answered(): void {
    this.set('online');
  }

  /**
   * Odoo could not be reached or did not answer in time. Other failures say nothing about the link
   * (a refused key may not even have been sent: see auth-latch.ts).
   */
  failed(error: unknown): void {
    if (!(error instanceof OdooError) || (error.kind !== 'network' && error.kind !== 'timeout')) return;
    this.why = error.packerSaid;
    this.set('offline');
  }

  /** The same transport, reporting every call's outcome to this link. */
  watch(transport: OdooTransport): OdooTransport {
    const report = <T>(request: Promise<T>): Promise<T> =>
      request.then(
        (result) => {
          this.answered();
          return result;
        },
        (error: unknown) => {
          this.failed(error);
          throw error;
        },
      );
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
