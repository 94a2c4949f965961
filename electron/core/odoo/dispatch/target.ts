// Outbox target that tells Odoo a picking was packed: quantities (and lots), a package with the
// shipping weight, the tracking ref, validation with the configured backorder policy, the label as
// an attachment and one chatter message. Rows are bound to the Odoo (URL + database) they were
// written for and never sent elsewhere.
//
// Batched: a batch of rows costs a fixed number of calls (the snapshot's reads, one per model;
// one package create, and one search first when a row went out before: see findOrCreatePackages); per group
// of 100 pickings one validation, one state re-read where Odoo's answer cannot say (19, or a
// wizard), one attachment create) plus two per picking (its write with the move lines as one2many
// commands, and its chatter message), Odoo's floor: under 2.1 calls per picking for a backlog.
//
// The order of the work: snapshot (snapshot.ts) → checks and commands per row (plan.ts, pure;
// conflicts.ts: a picking changed in Odoo is never overwritten) → the steps (steps.ts), each
// looking for its own effect first so any prefix can be replayed → message text (chatter.ts).
import { said } from '../../i18n/translator';
import { DispatchPayload, odooBinding, ODOO_DISPATCH, orderKey } from '../../pack/effects';
import type { ApplyResult, LookupResult, OutboxRow, SyncTarget } from '../../sync/target';
import { ownUid } from '../claims';
import { applyResultOf, OdooError } from '../errors';
import { ReferenceData } from '../pickings';
import { unique } from '../read-rows';
import type { OdooTransport } from '../transport';
import { dialectFor } from '../versions';
import { planDispatch, type Plan } from './plan';
import { readDispatchSnapshot } from './snapshot';
import {
  attachLabels,
  confirmDone,
  findEarlierFinish,
  FINISH_GROUP,
  findOrCreatePackages,
  limitCalls,
  postMessages,
  readBackordered,
  stepsTaken,
  validatePickings,
  writePickings,
  type BackorderPolicy,
  type Results,
} from './steps';
import { crashPoint } from '../../crash-points';

export const ODOO_TARGET = 'odoo';


export interface OdooDispatchOptions {
  /** Setting `odoo.backorder`, read at each batch; default 'create'. */
  backorder?: () => BackorderPolicy;
  /**
   * Rows per apply call; default 200 (a backlog drains in few fixed calls: the snapshot's reads and
   * package calls per batch, validation and attachments in groups, see steps.ts).
   */
  maxBatch?: number;
  /** Parallel per-picking calls within a batch; default 4. */
  concurrency?: number;
  /** The bench's audit log head, written into each chatter message as an anchor outside the bench. */
  auditHead?: () => { seq: number; hash: string } | null;
  /** The station's memory of records that never change under a bench (country codes), shared with the prefetch; default: one of its own. */
  reference?: ReferenceData;
}

type Row = OutboxRow<DispatchPayload>;

export function createOdooDispatchTarget(
  transport: OdooTransport,
  onDispatched: (payload: DispatchPayload) => void,
  options: OdooDispatchOptions = {},
): { kind: string; target: SyncTarget<DispatchPayload> } {
  const binding = odooBinding(transport);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const reference = options.reference ?? new ReferenceData();

  /**
   * The rows bound to this Odoo, all at once; `results` is indexed like `payloads`. `firstGo[i]`:
   * the row never went out before, so nothing it makes can exist yet (see findOrCreatePackages).
   */
  async function dispatch(payloads: DispatchPayload[], firstGo: boolean[], results: Results): Promise<void> {
    const dialect = dialectFor(await transport.version());
    const uid = await ownUid(transport);
    const backorder = options.backorder?.() ?? 'create';
    const lotNames = unique(payloads.flatMap((p) => p.lines.flatMap((l) => (l.lots ?? []).map((lot) => lot.name))));
    const snap = await readDispatchSnapshot(transport, dialect, unique(payloads.map((p) => p.pickingId)), lotNames, reference);

    // 1. Checks and commands: nothing is written for a row that conflicts.
    const plans: Plan[] = [];
    planDispatch(dialect, uid, payloads, snap).forEach((d, i) => {
      if ('plan' in d) plans.push(d.plan);
      else results[i] = d.result;
    });
    // 2. Packages, for the batch.
    const packages = await findOrCreatePackages(transport, dialect, plans.filter((x) => !x.finishOnly), (x) => !firstGo[x.index]);
    crashPoint('odoo.packages');
    // 3–8. Groups go through the rest side by side, so that one group's validation does not leave
    // Odoo idle: at most `concurrency` calls in flight for the whole batch.
    const limited = limitCalls(transport, concurrency);
    const groups: Plan[][] = [];
    for (let i = 0; i < plans.length; i += FINISH_GROUP) groups.push(plans.slice(i, i + FINISH_GROUP));
    // 16–18 answer a validation `true` only when it is done (validatePickings); 19 is read back.
    const trustTrue = dialect.major <= 18;
    await Promise.all(groups.map((group) => finish(limited, group, packages, uid, backorder, results, trustTrue)));
  }

  /** Writes, validation, states read back; then the label as an attachment and one chatter message, skipping what an earlier attempt left. */
  async function finish(
    caller: Pick<OdooTransport, 'call'>,
    plans: Plan[],
    packages: Awaited<ReturnType<typeof findOrCreatePackages>>,
    uid: number,
    backorder: BackorderPolicy,
    results: Results,
    trustTrue: boolean,
  ): Promise<void> {
    const written = await writePickings(caller, plans.filter((x) => !x.finishOnly), packages, uid, concurrency, results);
    crashPoint('odoo.written');
    const validated = await validatePickings(caller, written, backorder, concurrency, results, trustTrue);
    crashPoint('odoo.validated');
    const finishing = await confirmDone(caller, plans, results, validated);
    crashPoint('odoo.confirmed');
    const found = await findEarlierFinish(caller, finishing.filter((x) => x.finishOnly));
    const backordered = await readBackordered(caller, finishing.filter((x) => x.short).map((x) => x.payload.pickingId));
    await attachLabels(caller, finishing, found.attachments);
    crashPoint('odoo.attached');
    // The audit head is read as each message is sent.
    const facts = (x: Plan) => ({
      short: x.short,
      backordered: backordered.has(x.payload.pickingId),
      auditHead: options.auditHead?.() ?? null,
      // The order's correlation id: the key its log lines and its carrier purchase carry too.
      reference: orderKey({ source: transport, pickingId: x.payload.pickingId }),
    });
    await postMessages(caller, finishing, found, facts, concurrency, results);
    crashPoint('odoo.posted');
  }

  async function apply(batch: Row[]): Promise<ApplyResult[]> {
    const results: Results = batch.map((row) =>
      row.binding === binding
        ? undefined
        : {
            status: 'permanent',
            error: `row written for ${row.binding}, bench now uses ${binding}`,
            title: said('odoo.dispatch.otherOdoo', { order: row.payload.pickingName, odoo: row.binding?.split('|')[0] }),
          },
    );
    const live = batch.flatMap((row, index) => (results[index] ? [] : [{ row, index }]));
    if (live.length === 0) return results as ApplyResult[];
    const liveResults: Results = live.map(() => undefined);
    const merged = () => live.forEach((x, i) => (results[x.index] = liveResults[i]));
    try {
      await dispatch(
        live.map((x) => x.row.payload),
        live.map((x) => x.row.handOuts === 0),
        liveResults,
      );
      merged();
      return results.map((r) => r ?? { status: 'retry', error: 'not applied in this batch' });
    } catch (error) {
      // A refusal of a whole-batch call: the worker splits the batch so one bad row cannot block the others.
      if (error instanceof OdooError && error.permanent && live.length > 1) throw error;
      merged();
      const result = applyResultOf(error);
      return results.map((r) => r ?? result);
    }
  }

  /**
   * The reply was lost: which steps took effect in Odoo. Applied only when every step did (done with
   * our tracking ref, the label attached, the chatter message posted); otherwise apply runs again and
   * each step skips what is already there (package by name, attachment by name, message by its
   * tracking ref, validation by state). A row written for another Odoo is never looked up here.
   */
  async function lookup(row: Row): Promise<LookupResult> {
    if (row.binding !== null && row.binding !== binding) return { applied: false };
    const steps = await stepsTaken(transport, row.payload);
    if (!steps) return { applied: false };
    return steps.validated && steps.labelAttached && steps.messagePosted
      ? { applied: true, result: { trackingRef: row.payload.trackingRef }, steps }
      : { applied: false, steps };
  }

  return {
    kind: ODOO_DISPATCH,
    target: {
      target: ODOO_TARGET,
      label: 'Odoo',
      payload: DispatchPayload,
      maxBatch: Math.max(1, options.maxBatch ?? 200),
      orderName: (row) => row.payload.pickingName,
      apply,
      lookup,
      onApplied(row) {
        onDispatched(row.payload);
      },
    },
  };
}
