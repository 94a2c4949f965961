// A transport that detects the Odoo version on first use, not at start-up: a bench that starts
// while Odoo is down still starts, packs from its local copy, and connects when Odoo answers.
import { connectOdoo, type OdooConnectOptions } from './connect';
import type { OdooTransport } from './transport';

export function lazyOdooTransport(options: OdooConnectOptions): OdooTransport {
  let connected: OdooTransport | null = null;
  let connecting: Promise<OdooTransport> | null = null;
  const ready = (): Promise<OdooTransport> => {
    if (connected) return Promise.resolve(connected);
    connecting ??= connectOdoo(options).then(
      (c) => (connected = c.transport),
      (error: unknown) => {
        connecting = null; // ask again next time
        throw error;
      },
    );
    return connecting;
  };
  return {
    get protocol() {
      return connected?.protocol ?? 'json-rpc';
    },
    url: options.url,
    db: options.db,
    call: async (model, method, params) => (await ready()).call(model, method, params),
    version: async () => (await ready()).version(),
  };
}
