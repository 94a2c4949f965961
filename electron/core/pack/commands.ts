// Bench command barcodes on the open session: close the parcel, print, answer an uncertain print,
// reprint with a reason, put the order aside.
import type { Person } from '../../../shared/api';
import { appendAudit } from '../store/audit';
import { inTransaction } from '../store/db';
import { actorOf } from '../store/identities';
import { enqueue } from '../sync/outbox';
import type { PackContext, ScanOutcome } from './context';
import { releaseRow } from './effects';
import { afterPrint } from './labelling';
import { REPRINT_REASONS, type BenchCommand } from './scan-code';
import { voidedLabelNotice } from './voiding';
import { nextAction } from './views';
import { weighed } from './weighing';
import type { SessionRow } from '../store/pack-sessions';
import { lotQuestion } from './views';

export async function command(ctx: PackContext, command: BenchCommand, packer: Person): Promise<ScanOutcome> {
  const { deps, t } = ctx;
  const row = ctx.sessions.active();
  const say = (tone: ScanOutcome['tone'], text: string): ScanOutcome => ({ kind: 'command', tone, text });
  if (!row) return say('warning', t('pack.command.noOrder'));
  switch (command) {
    case 'CLOSE-ORDER':
    case 'NEW-PARCEL': {
      if (command === 'NEW-PARCEL' && row.step === 'packing') return newParcel(ctx, row, packer);
      if (row.step !== 'weighing') return say('warning', t('pack.command.notYet', { next: nextAction(ctx, row) }));
      const reading = deps.scale()?.latest();
      if (!reading || reading.status === 'absent' || reading.status === 'disconnected') {
        return say('error', t('pack.command.noScaleReading'));
      }
      // A scale in trouble (unreadable line, overload, below zero) is not "moving": say what it says.
      if (reading.status !== 'ok' && reading.status !== 'motion') {
        // The reading's message is a catalogue key (capture-gate.ts scaleMessages).
        // i18n-keys: pack.command.scaleProblem
        const trouble = t(reading.message ?? 'pack.command.scaleProblem');
        return say('error', t('pack.command.scaleTrouble', { trouble }));
      }
      if (!reading.stable || reading.status === 'motion') {
        return say('warning', t('pack.command.scaleMoving'));
      }
      return weighed(ctx, reading.grams ?? 0, actorOf(packer)) ?? say('warning', nextAction(ctx));
    }
    case 'PRINT': {
      const voided = voidedLabelNotice(ctx, row.id);
      if (voided) return say('warning', voided);
      const label = ctx.labelOfSession(row.id);
      const job = label ? deps.journal.latestForLabel(label.id) : null;
      if (!job) return say('warning', row.step === 'labelling' ? t('pack.command.labelNotReady') : t('pack.command.noLabelToPrint'));
      if (job.state === 'confirmed') return say('info', t('pack.command.alreadyPrinted'));
      // After an uncertain print, scanning PRINT is the packer's answer: no label came out.
      if (job.state === 'uncertain') deps.journal.answerUncertain(job.id, 'not_printed', actorOf(packer));
      return afterPrint(ctx, await deps.journal.print(job.id));
    }
    case 'PRINTED': {
      const label = ctx.labelOfSession(row.id);
      const job = label ? deps.journal.latestForLabel(label.id) : null;
      if (job?.state !== 'uncertain') return say('info', t('pack.command.noUncertainLabel'));
      const answered = deps.journal.answerUncertain(job.id, 'printed', actorOf(packer));
      return afterPrint(ctx, { ok: true, job: answered });
    }
    case 'REPRINT':
      return say('warning', t('pack.command.whyReprint', { commands: REPRINT_REASONS.map((r) => r.command).join(', ') }));
    case 'REPRINT-DAMAGED':
    case 'REPRINT-JAMMED':
    case 'REPRINT-LOST': {
      const voided = voidedLabelNotice(ctx, row.id);
      if (voided) return say('warning', voided);
      const label = ctx.labelOfSession(row.id);
      const uri = deps.printerUri();
      if (!label || !uri) return say('warning', t('pack.command.noLabelToReprint'));
      const reason = REPRINT_REASONS.find((r) => r.command === command)!.reason;
      return afterPrint(ctx, await deps.journal.reprint(label.id, { reason, actor: actorOf(packer), printerUri: uri }));
    }
    case 'CANCEL': {
      if (row.step !== 'packing' && row.step !== 'weighing') {
        return say('warning', t('pack.command.labelExists'));
      }
      const order = ctx.orderOf(row);
      inTransaction(deps.db, () => {
        ctx.sessions.cancel(row.id);
        appendAudit(deps.db, deps.clock, { actor: actorOf(packer), action: 'pack.cancelled', subject: String(row.id) });
        // Another bench may pack it now: the claim in Odoo is released when Odoo answers.
        enqueue(deps.db, deps.clock, releaseRow(order, { sessionId: row.id, bench: ctx.benchName(), packer: packer.name, at: deps.clock.now() }));
      });
      deps.scale()?.disarm();
      deps.kickSync();
      deps.changed();
      return say('info', t('pack.command.putAside'));
    }
    case 'UNDO':
      return undoLastScan(ctx, row, packer);
    case 'LOGOUT':
      return say('info', '');
  }
}

/**
 * "Undo last scan": the last item counted comes off the order (audited), while the parcel it went
 * in is still open. A unit with a lot or serial, or in a parcel already weighed, is the lead's.
 */
function undoLastScan(ctx: PackContext, row: SessionRow, packer: Person): ScanOutcome {
  const { deps, t } = ctx;
  const say = (tone: ScanOutcome['tone'], text: string): ScanOutcome => ({ kind: 'command', tone, text });
  if (row.step !== 'packing' && row.step !== 'weighing') return say('warning', t('pack.undo.tooLate'));
  const last = ctx.sessions.lastUndoableItem(row.id);
  if (!last) return say('warning', t('pack.undo.nothing'));
  const order = ctx.orderOf(row);
  const line = order.lines.find((l) => l.moveId === last.moveId);
  if (!line) return say('warning', t('pack.undo.nothing'));
  if (last.tracked) return say('warning', line.tracking === 'serial' ? t('pack.undo.withSerial', { product: line.name }) : t('pack.undo.withLot', { product: line.name }));
  if ((ctx.parcelsOf(row.id).open.units.get(line.moveId) ?? 0) === 0) {
    return say('warning', t('pack.undo.weighedParcel', { product: line.name }));
  }
  const packed = ctx.sessions.packed(row.id).get(line.moveId) ?? 0;
  inTransaction(deps.db, () => {
    ctx.sessions.uncountItem(row.id, line.moveId);
    if (row.step === 'weighing') ctx.sessions.setStep(row.id, 'packing');
    appendAudit(deps.db, deps.clock, {
      actor: actorOf(packer),
      action: 'pack.undo',
      subject: order.name,
      data: { session: row.id, undid: last.auditId, moveId: line.moveId, packed: packed - 1, of: line.quantity },
    });
  });
  if (row.step === 'weighing') deps.scale()?.disarm();
  deps.changed();
  return say('info', t('pack.undo.done', { product: line.name, order: order.name, packed: packed - 1, quantity: line.quantity }));
}

/**
 * NEW-PARCEL while packing: the parcel packed so far goes on the scale; its stable weight closes
 * it (weighing.ts) and packing goes on with the next. The rest of the order is still to pack.
 */
function newParcel(ctx: PackContext, row: SessionRow, packer: Person): ScanOutcome {
  const { deps, t } = ctx;
  const say = (tone: ScanOutcome['tone'], text: string): ScanOutcome => ({ kind: 'command', tone, text });
  if (lotQuestion(ctx, row)) return say('warning', t('pack.command.notYet', { next: nextAction(ctx, row) }));
  const { open } = ctx.parcelsOf(row.id);
  if (open.units.size === 0) return say('warning', t('pack.parcel.empty', { seq: open.seq }));
  const order = ctx.orderOf(row);
  inTransaction(deps.db, () => {
    ctx.sessions.setStep(row.id, 'weighing');
    appendAudit(deps.db, deps.clock, { actor: actorOf(packer), action: 'pack.new_parcel', subject: order.name, data: { parcel: open.seq } });
  });
  deps.scale()?.arm();
  deps.changed();
  return say('info', t('pack.parcel.toScale', { seq: open.seq }));
}
