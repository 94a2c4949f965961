// The pack session's view of Odoo: find a picking by the scanned name. A failure to reach Odoo
// becomes OrderSourceUnavailable so the bench falls back to its local copy.
import type { Order } from '../../../shared/order';
import { OrderSourceUnavailable, type OrderSource } from '../pack/pack-session';
import { OdooError } from './errors';
import type { OdooTransport } from './transport';
import { findPickingByName } from './pickings';

export function createOdooOrderSource(transport: OdooTransport): OrderSource {
  const binding = { url: transport.url, db: transport.db };
  return {
    binding,
    async findByName(name: string): Promise<Order | null> {
      try {
        return await findPickingByName(transport, name, binding);
      } catch (error) {
        if (error instanceof OdooError) throw new OrderSourceUnavailable(error.packerMessage);
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
