// Outbox target that notes in a picking's chatter that the shift lead corrected its address at the
// bench ("Address corrected at the bench by Lena: postcode 1011 → 10115"), so whoever looks at the
// delivery in Odoo knows the label went to another address than the partner's. The bench does not
// rewrite the customer's partner: that stays Odoo's people's decision.
// Posted once: the note carries a marker, looked for before posting (a retry after a lost reply
// finds it). Rows are bound to the Odoo (URL + database) they were written for.
import { AddressNotePayload, odooBinding, ODOO_ADDRESS_NOTE } from '../pack/effects';
import type { ApplyResult, LookupResult, OutboxRow, SyncTarget } from '../sync/target';
import { ODOO_TARGET } from './dispatch/target';
import { said } from '../i18n/translator';
import { applyResultOf } from './errors';
import { NoteRow } from './models/mail';
import { readRows } from './read-rows';
import type { OdooTransport } from './transport';

type Caller = Pick<OdooTransport, 'call' | 'url' | 'db'>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The note's words: who corrected what, each field before → after, and the marker. Pure. */
export function addressNoteText(p: AddressNotePayload): string {
  const what = p.changes.map((c) => `${c.field} ${c.before ?? '(empty)'} → ${c.after ?? '(empty)'}`).join(', ');
  return `Address corrected at the bench by ${p.lead}: ${what}. The label was made for the corrected address; the customer's address in Odoo is unchanged. (${p.bench}, ${p.marker})`;
}

export function createOdooAddressNoteTarget(transport: Caller): { kind: string; target: SyncTarget<AddressNotePayload> } {
  const binding = odooBinding(transport);

  async function posted(payload: AddressNotePayload): Promise<boolean> {
    const notes = await readRows(transport, NoteRow, 'mail.message', 'search_read', {
      domain: [
        ['model', '=', 'stock.picking'],
        ['res_id', '=', payload.pickingId],
        ['body', 'ilike', payload.marker],
      ],
      fields: ['res_id', 'body'],
      limit: 1,
    });
    return notes.length > 0;
  }

  async function apply(rows: OutboxRow<AddressNotePayload>[]): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const row of rows) {
      const payload = row.payload;
      if (row.binding !== binding) {
        results.push({
          status: 'permanent',
          error: `row written for ${row.binding}, bench now uses ${binding}`,
          title: said('odoo.note.otherOdoo', { order: payload.pickingName, odoo: binding.split('|')[0] }),
        });
        continue;
      }
      try {
        // An earlier attempt may have posted it with its reply lost: look first.
        if (!(await posted(payload))) {
          await transport.call('stock.picking', 'message_post', {
            ids: [payload.pickingId],
            body: `<p>${escapeHtml(addressNoteText(payload))}</p>`,
            message_type: 'comment',
            subtype_xmlid: 'mail.mt_note',
          });
        }
        results.push({ status: 'done' });
      } catch (error) {
        const result = applyResultOf(error);
        results.push(
          result.status === 'permanent'
            ? { ...result, title: said('odoo.note.refused', { order: payload.pickingName, why: result.title ?? result.error }) }
            : result,
        );
      }
    }
    return results;
  }

  async function lookup(row: OutboxRow<AddressNotePayload>): Promise<LookupResult> {
    if (row.binding !== binding) return { applied: false };
    return (await posted(row.payload)) ? { applied: true } : { applied: false };
  }

  return {
    kind: ODOO_ADDRESS_NOTE,
    target: {
      target: ODOO_TARGET,
      label: 'Odoo',
      payload: AddressNotePayload,
      maxBatch: 1,
      orderName: (row) => row.payload.pickingName,
      apply,
      lookup,
    },
  };
}
