// Claims: which bench is packing a delivery, recorded in Odoo so two benches never pack the same
// parcel twice.
//
// How a claim is recognised. A claim is two things written together by the claiming bench:
//   1. the picking's responsible user (`user_id`) set to the bench's Odoo user, and
//   2. an internal chatter note "Packing at <bench> since <HH:MM> (Packbench claim by user <uid>
//      at <YYYY-MM-DD HH:MM:SS> UTC)" — the part in brackets is the machine-readable marker.
// The claim in force is the latest claim note on the picking, provided `user_id` still names the
// user in that marker. Odoo sets `user_id` to whoever created the picking, so `user_id` alone
// proves nothing; and if a person re-assigns the picking in Odoo (or clears "Responsible"), the
// marker no longer matches and the claim is released. Benches sharing one Odoo user are told
// apart by the bench name in the marker.
//
// How a claim is released. A packer putting the order aside (CANCEL) queues an outbox row; the
// release target (release-target.ts) posts "Put aside at <bench> at <HH:MM>, free to pack at
// another bench (Packbench claim released by user <uid> at <YYYY-MM-DD HH:MM:SS> UTC)" and clears
// `user_id` if it still names the bench's user. A release note only releases the claim of the same
// bench and user that it follows: bench B's claim posted between bench A's claim and A's release
// stays in force. The release marker contains the claim marker's words, so every reader that
// searches notes for "Packbench claim" (readClaims, the dispatch snapshot) sees releases too.
//
// Odoo has no optimistic locking over RPC: two benches claiming in the same second both succeed.
// The dispatch re-checks the claim before it writes anything (see checkClaimAtDispatch), so the
// loser's parcel becomes an odoo_conflict exception instead of a double shipment. The same check
// catches claims made offline: a bench that opens an order while Odoo is unreachable records the
// claim locally (the pack session and its `pack.opened` audit entry, with `claim: 'offline'`), and
// its dispatch refuses to write if another bench claimed or shipped the delivery meanwhile.
//
// Why the claim is written at the scan and not through the outbox (the one write to Odoo that is):
// the claim's whole job is to answer the packer *now* — "Bench 3 has been packing this since 14:05"
// is worth something only before the parcel is packed. Queued, it would land after the packing and
// two benches would each pack the order, one parcel to be unpacked later. So the scan asks Odoo
// within a budget (order-source.ts: 1.5 s); past it, or offline, the bench packs on a local claim,
// which is exactly the outbox's guarantee anyway: checked again before anything is dispatched. The
// write is idempotent (the latest marker of this bench and user is the claim), so a claim whose
// answer was lost and is made again changes nothing. Releases have no such urgency and go through
// the outbox (release-target.ts). A claim costs Odoo one read (the picking's marker notes; its
// user_id only when there are some) and the two writes, sent together.
//
// Why the claim note is not folded into the dispatch's message: the note is what another bench
// reads while this one packs; posted at dispatch it would come too late to refuse anyone.
import { said, type Said } from '../i18n/translator';
import { z } from 'zod';
import { NoteRow } from './models/mail';
import { ClaimPickingRow } from './models/picking';
import { fieldsOf, readRows, type M2o } from './read-rows';
import { OdooError } from './errors';
import type { OdooTransport } from './transport';

type Caller = Pick<OdooTransport, 'call'>;

export interface BenchIdentity {
  /** The bench's name as set up in Settings (e.g. "Bench 2"). */
  name: string;
  /** Who is packing, for the note (optional). */
  packer?: string | null;
}

export interface ClaimHolder {
  uid: number;
  /** The Odoo user's display name, from `user_id`. */
  userName: string;
  bench: string;
  /** When the claim was made (ms since epoch). */
  since: number;
}

export type ClaimOutcome = { ok: true; holder: ClaimHolder; already: boolean } | { ok: false; holder: ClaimHolder; message: Said };

/** Searched for in chatter: matches claim and release notes alike. */
export const MARKER = 'Packbench claim';
const RELEASE_MARKER = `${MARKER} released`;
const MARKER_RE = /Packing at (.+?) since [^()]*\(Packbench claim by user (\d+) at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\)/;
const RELEASE_RE = /Put aside at (.+?) at \d\d:\d\d[^()]*\(Packbench claim released by user (\d+) at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\)/;

/** A marker note read back: a claim, or its release. */
export interface Marker {
  kind: 'claim' | 'release';
  bench: string;
  uid: number;
  /** When the claim or release was made (ms since epoch, to the second). */
  at: number;
}

const utcStamp = (at: number) => new Date(at).toISOString().slice(0, 19).replace('T', ' ');
// Brackets in a packer's name would hide where the bench name ends.
const who = (bench: BenchIdentity) => (bench.packer ? ` (${bench.packer.replace(/[()]/g, '')})` : '');

/** The note a claim posts. Plain text: Odoo escapes it, and the marker survives escaping. */
export function claimNote(bench: BenchIdentity, uid: number, at: number): string {
  return `Packing at ${bench.name}${who(bench)} since ${clockTime(at)} (${MARKER} by user ${uid} at ${utcStamp(at)} UTC)`;
}

/** The note a release posts when the order was put aside at `at`. */
export function releaseNote(bench: BenchIdentity, uid: number, at: number): string {
  return `Put aside at ${bench.name}${who(bench)} at ${clockTime(at)}, free to pack at another bench (${RELEASE_MARKER} by user ${uid} at ${utcStamp(at)} UTC)`;
}

/** Parse a note body as Odoo returns it (HTML, escaped): a claim or release marker, or null. */
export function parseMarker(body: string): Marker | null {
  const text = unescapeHtml(body.replace(/<[^>]*>/g, ''));
  const claim = MARKER_RE.exec(text);
  const m = claim ?? RELEASE_RE.exec(text);
  if (!m) return null;
  // The packer's name in brackets after the bench name is not part of the bench.
  const bench = m[1]!.replace(/ \([^()]*\)$/, '');
  return { kind: claim ? 'claim' : 'release', bench, uid: Number(m[2]), at: Date.parse(`${m[3]!.replace(' ', 'T')}Z`) };
}

/** The newest marker (claim or release) among a picking's notes, newest first. */
export function latestMarker(pickingId: number, notesNewestFirst: { res_id: number; body: string | false }[]): Marker | null {
  for (const note of notesNewestFirst) {
    if (note.res_id !== pickingId || typeof note.body !== 'string') continue;
    const marker = parseMarker(note.body);
    if (marker) return marker;
  }
  return null;
}

/** HH:MM in the bench's local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCharCode(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

const uids = new WeakMap<object, Promise<number>>();

/** The bench's own Odoo user id (`res.users.context_get`, asked once per transport). */
export function ownUid(transport: Caller): Promise<number> {
  let uid = uids.get(transport);
  if (!uid) {
    uid = transport.call('res.users', 'context_get', {}).then((reply) => {
      const parsed = z.looseObject({ uid: z.number().int() }).safeParse(reply);
      if (!parsed.success) throw new OdooError({ kind: 'protocol', message: 'Odoo did not say which user the bench is (context_get)' });
      return parsed.data.uid;
    });
    uid.catch(() => uids.delete(transport));
    uids.set(transport, uid);
  }
  return uid;
}

/**
 * The claims in force on these pickings: two reads whatever their number (the pickings' user_id,
 * and the marker notes). Pickings nobody claimed are absent from the map.
 */
export async function readClaims(transport: Caller, pickingIds: number[]): Promise<Map<number, ClaimHolder>> {
  if (pickingIds.length === 0) return new Map();
  const { pickings, notes } = await readClaimSnapshot(transport, pickingIds, ClaimPickingRow, 'read');
  return claimsFrom(pickings, notes);
}

/**
 * What a claim is read from, in two parallel reads: the pickings (with whatever other fields
 * `schema` asks for; it must have user_id) and their marker notes, newest first. `read` by id
 * fails on a picking that is gone or hidden; `search_read` leaves it out (and a scoped transport
 * narrows it to the scope). Used by readClaims, the release target and the dispatch snapshot.
 */
export async function readClaimSnapshot<S extends z.ZodObject<{ id: z.ZodNumber; user_id: typeof M2o }>>(
  transport: Caller,
  pickingIds: number[],
  schema: S,
  method: 'read' | 'search_read',
): Promise<{ pickings: z.infer<S>[]; notes: z.infer<typeof NoteRow>[] }> {
  const fields = fieldsOf(schema);
  const [pickings, notes] = await Promise.all([
    readRows(
      transport,
      schema,
      'stock.picking',
      method,
      method === 'read' ? { ids: pickingIds, fields } : { domain: [['id', 'in', pickingIds]], fields },
    ),
    readRows(transport, NoteRow, 'mail.message', 'search_read', {
      domain: [
        ['model', '=', 'stock.picking'],
        ['res_id', 'in', pickingIds],
        ['body', 'ilike', MARKER],
      ],
      fields: ['res_id', 'body'],
      order: 'id desc',
    }),
  ]);
  return { pickings, notes };
}

/** From user_id and marker notes (newest first, claims and releases) to the claims in force. */
export function claimsFrom(
  pickings: { id: number; user_id: z.infer<typeof M2o> }[],
  notesNewestFirst: { res_id: number; body: string | false }[],
): Map<number, ClaimHolder> {
  const holders = new Map<number, ClaimHolder>();
  const key = (m: Marker) => `${m.uid}|${m.bench}`;
  for (const picking of pickings) {
    if (picking.user_id === false) continue;
    // The latest claim, unless the same bench and user released it since.
    const released = new Set<string>();
    let latest: Marker | null = null;
    for (const note of notesNewestFirst) {
      if (note.res_id !== picking.id || typeof note.body !== 'string') continue;
      const marker = parseMarker(note.body);
      if (marker?.kind === 'release') released.add(key(marker));
      if (marker?.kind === 'claim') {
        latest = marker;
        break;
      }
    }
    if (!latest || released.has(key(latest)) || latest.uid !== picking.user_id[0]) continue;
    holders.set(picking.id, { uid: latest.uid, userName: picking.user_id[1], bench: latest.bench, since: latest.at });
  }
  return holders;
}

export function isMine(holder: ClaimHolder, uid: number, bench: string): boolean {
  return holder.uid === uid && holder.bench === bench;
}

/** "WH/OUT/00012 is being packed at Bench 2 by Marek since 10:42." */
export function claimedElsewhere(pickingName: string, holder: ClaimHolder): string {
  return `${pickingName} is being packed at ${holder.bench} by ${holder.userName} since ${clockTime(holder.since)}.`;
}

/**
 * The claim in force on one picking, in one read when nobody ever claimed it: its marker notes
 * first; the picking's user_id only when there is a marker to check it against (a claim in force
 * needs both, so no marker is no claim).
 */
export async function readClaim(transport: Caller, pickingId: number): Promise<ClaimHolder | undefined> {
  const notes = await readRows(transport, NoteRow, 'mail.message', 'search_read', {
    domain: [
      ['model', '=', 'stock.picking'],
      ['res_id', '=', pickingId],
      ['body', 'ilike', MARKER],
    ],
    fields: ['res_id', 'body'],
    order: 'id desc',
  });
  if (latestMarker(pickingId, notes) === null) return undefined;
  const pickings = await readRows(transport, ClaimPickingRow, 'stock.picking', 'read', { ids: [pickingId], fields: fieldsOf(ClaimPickingRow) });
  return claimsFrom(pickings, notes).get(pickingId);
}

/**
 * Claim a picking for this bench: refused when another bench holds it; nothing written when this
 * bench holds it already (reopened after a restart). Otherwise user_id + the marker note: two
 * writes, sent together, after one read (two when the picking has claim notes already).
 */
export async function claimPicking(
  transport: Caller,
  picking: { id: number; name: string },
  bench: BenchIdentity,
  now: number,
): Promise<ClaimOutcome> {
  const uid = await ownUid(transport);
  const holder = await readClaim(transport, picking.id);
  if (holder && !isMine(holder, uid, bench.name)) {
    return { ok: false, holder, message: said('odoo.claim.elsewhere', { order: picking.name, bench: holder.bench, user: holder.userName, since: clockTime(holder.since) }) };
  }
  if (holder) return { ok: true, holder, already: true };
  // Either alone is no claim (claimsFrom needs both), so the order they land in does not matter.
  await Promise.all([
    transport.call('stock.picking', 'write', { ids: [picking.id], vals: { user_id: uid } }),
    transport.call('stock.picking', 'message_post', {
      ids: [picking.id],
      body: claimNote(bench, uid, now),
      message_type: 'comment',
      subtype_xmlid: 'mail.mt_note',
    }),
  ]);
  return { ok: true, holder: { uid, userName: '', bench: bench.name, since: now }, already: false };
}
