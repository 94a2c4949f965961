// The note of an address the shift lead corrected at the bench, posted in the picking's chatter by
// its outbox target against the sandbox Odoo: in the words people read, and once, even when Odoo
// took the note and its reply was lost (the target looks for its marker before posting again).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { createOdooAddressNoteTarget } from '../../electron/core/odoo/address-note-target';
import { OdooError } from '../../electron/core/odoo/errors';
import type { OdooTransport } from '../../electron/core/odoo/transport';
import { addressNoteRow, type AddressNotePayload } from '../../electron/core/pack/effects';
import type { OutboxRow } from '../../electron/core/sync/target';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';

const KEY = 'address-note-key-0123456789';

describe('the chatter note of an address corrected at the bench', () => {
  let odoo: SandboxOdoo;
  let transport: OdooTransport;

  beforeAll(async () => {
    odoo = await startSandboxOdoo({ port: 0, apiKey: KEY, seed: 3 });
    transport = (await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: KEY })).transport;
  });
  afterAll(async () => odoo?.close());

  function rowFor(pickingName: string, marker: string): OutboxRow<AddressNotePayload> {
    const picking = odoo.state.all('stock.picking').find((p) => p.name === pickingName)!;
    const input = addressNoteRow(
      { source: { url: odoo.url, db: odoo.db }, pickingId: picking.id as number, name: pickingName },
      { lead: 'Lena', bench: 'Bench 1', changes: [{ field: 'postcode', before: '1011', after: '10115' }], marker, at: 0 },
    );
    return { id: 1, seq: 1, attempts: 0, handOuts: 0, target: input.target, kind: input.kind, orderKey: input.orderKey, idempotencyKey: input.idempotencyKey!, binding: input.binding ?? null, payload: input.payload as AddressNotePayload };
  }
  const notesWith = (text: string) => odoo.state.all('mail.message').filter((m) => String(m.body).includes(text));

  it('posts the note once when Odoo took it and the reply was lost', async () => {
    const name = odoo.state.sampleNames()[0]!;
    let lose = true;
    // The first message_post reaches Odoo; its answer never comes back.
    const losing: OdooTransport = Object.assign(Object.create(transport) as OdooTransport, {
      call: async (model: string, method: string, params: Parameters<OdooTransport['call']>[2]) => {
        const reply = await transport.call(model, method, params);
        if (method === 'message_post' && lose) {
          lose = false;
          throw new OdooError({ kind: 'network', message: 'connection reset after the request was sent' });
        }
        return reply;
      },
    });
    const { target } = createOdooAddressNoteTarget(losing);
    const row = rowFor(name, 'bench ref 7-12');
    expect(await target.apply([row])).toMatchObject([{ status: 'retry' }]);
    expect(await target.lookup(row)).toEqual({ applied: true });
    expect(await target.apply([{ ...row, attempts: 1 }])).toEqual([{ status: 'done' }]);

    const notes = notesWith('bench ref 7-12');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ model: 'stock.picking', res_id: odoo.state.all('stock.picking').find((p) => p.name === name)!.id });
    expect(String(notes[0]!.body)).toContain('Address corrected at the bench by Lena: postcode 1011 → 10115.');
  });

  it('is not sent to another Odoo than the one the row was written for', async () => {
    const { target } = createOdooAddressNoteTarget(transport);
    const row = { ...rowFor(odoo.state.sampleNames()[1]!, 'bench ref 8-13'), binding: 'https://other.example|prod' };
    expect(await target.apply([row])).toMatchObject([{ status: 'permanent' }]);
    expect(notesWith('bench ref 8-13')).toHaveLength(0);
  });
});
