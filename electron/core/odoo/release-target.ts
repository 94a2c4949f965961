// Outbox target that releases a bench's claim on a picking the packer put aside (see claims.ts):
// a release note, posted only while the claim in force is still this bench's, then `user_id`
// cleared, only while it still names the bench's user and no other claim came in meanwhile.
// Rows are bound to the Odoo (URL + database) they were written for and never sent elsewhere.
//
// Nothing to release is not a failure: a picking shipped, cancelled or deleted, claimed by another
// bench, opened again at this bench since, or never claimed in Odoo (opened offline) is done
// without a write.
import type { z } from 'zod';
import { odooBinding, ODOO_RELEASE, ReleasePayload } from '../pack/effects';
import type { ApplyResult, LookupResult, OutboxRow, SyncTarget } from '../sync/target';
import { claimsFrom, isMine, latestMarker, ownUid, readClaimSnapshot, releaseNote, type Marker } from './claims';
import { ODOO_TARGET } from './dispatch/target';
import { said } from '../i18n/translator';
import { applyResultOf } from './errors';
import type { NoteRow } from './models/mail';
import { ReleasePickingRow } from './models/picking';
import type { OdooTransport } from './transport';

export interface OdooReleaseOptions {
  /** Was the session's order opened again at this bench since it was put aside? Then it is not released. */
  reopened?: (payload: ReleasePayload) => boolean;
}

/** What a release did, kept as the outbox row's result. */
export type ReleaseResult = { released: true } | { released: false; reason: 'reopened' | 'missing' | 'done' | 'cancel' | 'not_held' };

type Caller = Pick<OdooTransport, 'call' | 'url' | 'db'>;

interface Snapshot {
  picking: z.infer<typeof ReleasePickingRow> | null;
  notes: z.infer<typeof NoteRow>[];
}


export function createOdooReleaseTarget(
  transport: Caller,
  options: OdooReleaseOptions = {},
): { kind: string; target: SyncTarget<ReleasePayload> } {
  const binding = odooBinding(transport);

  /** The picking (null if deleted) and its marker notes, newest first: two reads. */
  async function snapshot(pickingId: number): Promise<Snapshot> {
    const { pickings, notes } = await readClaimSnapshot(transport, [pickingId], ReleasePickingRow, 'search_read');
    return { picking: pickings[0] ?? null, notes };
  }

  const isOwnRelease = (marker: Marker | null, uid: number, bench: string) =>
    marker?.kind === 'release' && marker.uid === uid && marker.bench === bench;
  const userOf = (snap: Snapshot) => (snap.picking && snap.picking.user_id !== false ? snap.picking.user_id[0] : null);

  /** Clear `user_id` if it still names the bench's user and nobody claimed the picking since. */
  async function clearResponsible(payload: ReleasePayload, uid: number): Promise<void> {
    const snap = await snapshot(payload.pickingId);
    if (!snap.picking || userOf(snap) !== uid) return;
    if (claimsFrom([snap.picking], snap.notes).has(payload.pickingId)) return;
    if (!isOwnRelease(latestMarker(payload.pickingId, snap.notes), uid, payload.bench)) return;
    await transport.call('stock.picking', 'write', { ids: [payload.pickingId], vals: { user_id: false } });
  }

  async function release(payload: ReleasePayload): Promise<ReleaseResult> {
    if (options.reopened?.(payload)) return { released: false, reason: 'reopened' };
    const uid = await ownUid(transport);
    const snap = await snapshot(payload.pickingId);
    if (!snap.picking) return { released: false, reason: 'missing' };
    if (snap.picking.state === 'done' || snap.picking.state === 'cancel') return { released: false, reason: snap.picking.state };
    const holder = claimsFrom([snap.picking], snap.notes).get(payload.pickingId);
    if (holder && isMine(holder, uid, payload.bench)) {
      await transport.call('stock.picking', 'message_post', {
        ids: [payload.pickingId],
        body: releaseNote({ name: payload.bench, packer: payload.packer }, uid, payload.at),
        message_type: 'comment',
        subtype_xmlid: 'mail.mt_note',
      });
    } else if (!isOwnRelease(latestMarker(payload.pickingId, snap.notes), uid, payload.bench)) {
      // Claimed by another bench, or never claimed in Odoo by this one: nothing of ours to release.
      return { released: false, reason: 'not_held' };
    }
    // Released by the note (now or by an earlier attempt whose reply was lost); Responsible follows.
    await clearResponsible(payload, uid);
    return { released: true };
  }

  // Rows come parsed by the worker with ReleasePayload: one that does not parse never gets here.
  async function apply(rows: OutboxRow<ReleasePayload>[]): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const row of rows) {
      const payload = row.payload;
      if (row.binding !== binding) {
        results.push({
          status: 'permanent',
          error: `row written for ${row.binding}, bench now uses ${binding}`,
          title: said('odoo.release.otherOdoo', { order: payload.pickingName, odoo: row.binding?.split('|')[0] }),
        });
        continue;
      }
      try {
        results.push({ status: 'done', result: await release(payload) });
      } catch (error) {
        const result = applyResultOf(error);
        results.push(
          result.status === 'permanent'
            ? { ...result, title: said('odoo.release.refused', { order: payload.pickingName, why: result.title ?? result.error }) }
            : result,
        );
      }
    }
    return results;
  }

  async function lookup(row: OutboxRow<ReleasePayload>): Promise<LookupResult> {
    // Released if the latest marker is this bench's release and Responsible no longer names it;
    // otherwise apply runs again and does what is missing.
    if (row.binding !== binding) return { applied: false };
    const uid = await ownUid(transport);
    const snap = await snapshot(row.payload.pickingId);
    const released = isOwnRelease(latestMarker(row.payload.pickingId, snap.notes), uid, row.payload.bench) && userOf(snap) !== uid;
    return released ? { applied: true, result: { released: true } satisfies ReleaseResult } : { applied: false };
  }

  return {
    kind: ODOO_RELEASE,
    target: {
      target: ODOO_TARGET,
      label: 'Odoo',
      payload: ReleasePayload,
      maxBatch: 1,
      orderName: (row) => row.payload.pickingName,
      apply,
      lookup,
    },
  };
}
