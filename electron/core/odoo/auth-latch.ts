// Once Odoo refuses the bench's credentials, nothing else asks again until a person says the login
// is fixed: Odoo locks an address out after repeated failed logins, and every bench behind the
// same router shares that address. One latch sits under every user of the transport (order
// lookups, claims, prefetch, write-back), so none of them can keep knocking on its own.
import { OdooError } from './errors';
import type { OdooTransport } from './transport';

export interface AuthLatchedTransport extends OdooTransport {
  /** The refusal in force, or null. */
  refused(): OdooError | null;
  /** The login was fixed: let calls through again. */
  reopen(): void;
}

/** `closed`: start latched (an auth alert from before a restart is still open). */
export function authLatch(inner: OdooTransport, onRefused: (error: OdooError) => void, closed = false): AuthLatchedTransport {
  let refusal: OdooError | null = closed
    ? new OdooError({ kind: 'auth', message: 'Odoo refused the bench credentials earlier; waiting for a shift lead to resume' })
    : null;
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    if (refusal) throw refusal;
    try {
      return await call();
    } catch (error) {
      if (error instanceof OdooError && error.kind === 'auth' && !refusal) {
        refusal = error;
        onRefused(error);
      }
      throw error;
    }
  };
  return {
    get protocol() {
      return inner.protocol;
    },
    url: inner.url,
    db: inner.db,
    call: (model, method, params) => guarded(() => inner.call(model, method, params)),
    version: () => guarded(() => inner.version()),
    refused: () => refusal,
    reopen: () => {
      refusal = null;
    },
  };
}
