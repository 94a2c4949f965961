// What the canonical shipment needs from Odoo, on every version the bench speaks (16–19): the
// sender is the picking's warehouse address (stock.warehouse partner_id), the company's only when
// the warehouse has none; each order line carries its product's HS code, country of origin and
// sales price; and a database without the delivery module's customs fields is not asked for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOdoo, type OdooConnection } from '../../electron/core/odoo/connect';
import { findPickingByName } from '../../electron/core/odoo/pickings';
import type { OdooCaller } from '../../electron/core/odoo/pickings';
import { startSandboxOdoo, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';

const API_KEY = 'shipping-data-key-0123456789';

describe.each([16, 17, 18, 19] as SandboxVersion[])('Odoo %i', (version) => {
  let odoo: SandboxOdoo;
  let conn: OdooConnection;
  const source = () => ({ url: odoo.url, db: odoo.db });
  const deliveryOf = (warehouse: 1 | 2) => odoo.state.all('stock.picking').find((p) => p.picking_type_id === warehouse * 2)!;

  beforeAll(async () => {
    odoo = await startSandboxOdoo({ version, apiKey: API_KEY, seed: 12 });
    conn = await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: API_KEY });
  });
  afterAll(async () => {
    await odoo.close();
  });

  it("ships the Berlin warehouse's deliveries from its own address, Hamburg's from the company's", async () => {
    const berlin = (await findPickingByName(conn.transport, String(deliveryOf(2).name), source()))!;
    const hamburg = (await findPickingByName(conn.transport, String(deliveryOf(1).name), source()))!;
    expect(berlin.operation?.warehouse).toBe('Berlin');
    expect(berlin.shipFrom).toMatchObject({ name: 'Lager Berlin', company: 'Packbench Demo GmbH', street1: 'Am Borsigturm 100', city: 'Berlin', postalCode: '13507', country: 'DE', phone: '+49 30 5555 0200' });
    expect(hamburg.shipFrom).toMatchObject({ name: 'Packbench Demo GmbH', street1: 'Am Sandtorkai 50', city: 'Hamburg', postalCode: '20457' });
    // A warehouse without an address of its own ships from the company's.
    odoo.state.update('stock.warehouse', 2, { partner_id: false });
    try {
      const fallback = (await findPickingByName(conn.transport, String(deliveryOf(2).name), source()))!;
      expect(fallback.shipFrom).toMatchObject({ name: 'Packbench Demo GmbH', city: 'Hamburg' });
    } finally {
      odoo.state.update('stock.warehouse', 2, { partner_id: odoo.state.all('res.partner').find((p) => p.name === 'Lager Berlin')!.id });
    }
  });

  it("gives each line its product's HS code, origin and sales price in the company's currency", async () => {
    const picking = deliveryOf(1);
    const order = (await findPickingByName(conn.transport, String(picking.name), source()))!;
    for (const line of order.lines) {
      const product = odoo.state.get('product.product', line.productId)!;
      const origin = odoo.state.get('res.country', product.country_of_origin as number)!;
      expect(line).toMatchObject({ hsCode: product.hs_code, originCountry: origin.code, unitValue: { amount: (product.lst_price as number).toFixed(2), currency: 'EUR' } });
    }
  });

  it('does not ask a database without the customs fields for them (lines without HS code and origin)', async () => {
    // As a database without the delivery / stock_delivery module answers fields_get.
    const asked: string[][] = [];
    const withoutCustoms: OdooCaller = {
      version: () => conn.transport.version(),
      async call(model, method, params) {
        const reply = await conn.transport.call(model, method, params);
        if (model === 'product.product' && method === 'fields_get') {
          const { hs_code: _h, country_of_origin: _c, ...rest } = reply as Record<string, unknown>;
          return rest;
        }
        if (model === 'product.product' && method === 'read') asked.push((params?.fields as string[]) ?? []);
        return reply;
      },
    };
    const order = (await findPickingByName(withoutCustoms, String(deliveryOf(1).name), source()))!;
    expect(asked.flat()).not.toContain('hs_code');
    expect(asked.flat()).not.toContain('country_of_origin');
    expect(order.lines.every((l) => l.hsCode === null && l.originCountry === null && l.unitValue !== null)).toBe(true);
  });
});
