// The bench's scanner and badges: every scan, one at a time in the order scanned, is classified and
// routed (a badge logs in; a shift lead's badge mid-order offers an approval; a code offered as a
// badge before login counts as a guess; commands and codes go to the pack session) and audited.
// Protected actions are approved here too: the lead's approval is spent in the change's transaction.
import type { Approval, BenchMessage, Person, ScanReply, StationState } from '../../../shared/api';
import { StationFault } from '../../../shared/errors';
import type { Translate } from '../../../shared/i18n';
import type { Clock } from '../clock';
import { SerialQueue } from '../serial-queue';
import { appendAudit } from '../store/audit';
import { inTransaction, type Db } from '../store/db';
import { actorOf, type ApprovalRequires, type Identities } from '../store/identities';
import { OrderCache } from '../store/order-cache';
import type { PackSession, ScanOutcome } from './pack-session';
import { classifyScan, type BenchCommand, type ScanCode } from './scan-code';

export interface BenchDeps {
  db: Db;
  clock: Clock;
  identities: Identities;
  pack: Pick<PackSession, 'orderView' | 'labelView' | 'nextAction' | 'command' | 'scanCode' | 'step' | 'weighed'>;
  /** The settings in force: the scanner's command prefix and what an approval needs. */
  commandPrefix: () => string;
  approvalRequires: () => ApprovalRequires;
  /** Something the screen shows changed. */
  changed: () => void;
  state: () => StationState;
  /** The station's translator: what the bench says, in the bench's language. */
  t: Translate;
}

export class Bench {
  /** The bench's message line: the last thing the packer was told. */
  private told: BenchMessage | null = null;
  /** Scans recorded in the audit log, restarts included. */
  private scanCount: number;
  /** A scan that waits for Odoo (an order, a lot being checked) must not let the next act on the state it is about to change. */
  private readonly scanning = new SerialQueue();
  /** The local copy of Odoo's orders, to tell an order or item scanned before login from a badge. */
  private readonly localCopy: OrderCache;

  constructor(private readonly deps: BenchDeps) {
    this.scanCount = (deps.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'scan'`).get() as { n: number }).n;
    this.localCopy = new OrderCache(deps.db, deps.clock);
  }

  get scans(): number {
    return this.scanCount;
  }

  get message(): BenchMessage | null {
    return this.told;
  }

  /** Put a message on the bench's message line; returns it as shown. */
  say(tone: BenchMessage['tone'], text: string, link?: BenchMessage['link']): BenchMessage {
    const now = this.deps.clock.now();
    this.told = link ? { tone, text, at: now, link } : { tone, text, at: now };
    return this.told;
  }

  /** One scan at a time, in the order they came. */
  scan(raw: string): Promise<ScanReply> {
    return this.scanning.run(() => this.scanNow(raw));
  }


  requirePacker(): Person {
    const packer = this.deps.identities.current();
    if (!packer) throw new StationFault('not_logged_in', this.deps.t('bench.badgeFirst'));
    return packer;
  }

  login(badge: string): StationState {
    this.deps.identities.login(badge);
    this.say('success', this.deps.t('bench.hello', { name: this.requirePacker().name, next: this.deps.pack.nextAction() }));
    this.deps.changed();
    return this.deps.state();
  }

  logout(): StationState {
    this.deps.identities.logout();
    this.say('info', this.deps.t('bench.loggedOut'));
    this.deps.changed();
    return this.deps.state();
  }

  /**
   * A protected action: the shift lead's approval is checked (wrong PINs and unknown badges count
   * whatever happens next), then spent on this one action in the transaction that makes the change,
   * so the same approval sent again is refused and a change that fails leaves it unspent.
   */
  withApproval<T>(approval: Approval, action: string, subject: string, change: (lead: Person) => T): T {
    const { identities, db } = this.deps;
    const lead = identities.approve(approval, this.deps.approvalRequires());
    return inTransaction(db, () => {
      identities.useApproval(approval, lead, action, subject);
      return change(lead);
    });
  }

  /** Tell the packer how something went (a weight taken, a label printed), if there is anything to say. */
  tell(told: Pick<BenchMessage, 'tone' | 'text' | 'link'> | null): void {
    if (told) this.say(told.tone, told.text, told.link);
    this.deps.changed();
  }

  /** A printer that had a fault is ready: say what to scan if the label is still to come out. */
  printerReady(): void {
    const printState = this.deps.pack.labelView()?.printState;
    if (printState === 'failed') this.tell({ tone: 'info', text: this.deps.t('bench.printerReady') });
    else if (printState === 'uncertain') this.tell({ tone: 'info', text: this.deps.t('bench.printerReadyUncertain') });
  }

  /** Typing a weight bypasses the scale, so only a shift lead may do it, and it is audited. */
  enterWeight(grams: number, reason: string, approval: Approval): StationState {
    const { pack, t } = this.deps;
    this.requirePacker();
    if (pack.step() !== 'weighing') throw new StationFault('not_weighing', t('bench.notNow', { next: pack.nextAction() }));
    const outcome = this.withApproval(approval, 'enterWeight', `order:${pack.orderView()?.name ?? ''}:${grams}`, (lead) => {
      const weighed = pack.weighed(grams, actorOf(lead), { reason });
      // Not weighing after all: nothing changed, so the approval stays unspent.
      if (!weighed) throw new StationFault('not_weighing', t('bench.notNow', { next: pack.nextAction() }));
      return weighed;
    });
    this.tell({ tone: outcome.tone, text: outcome.text });
    return this.deps.state();
  }

  /**
   * A bench command from the screen's button: the same path as its barcode on the command sheet,
   * in turn with the scans, audited as a press rather than a scan.
   */
  command(name: BenchCommand): Promise<ScanReply> {
    return this.scanning.run(() => this.route({ kind: 'command', command: name }, `button:${name}`));
  }

  private scanNow(raw: string): Promise<ScanReply> {
    return this.route(classifyScan(raw, this.deps.commandPrefix()), raw);
  }

  private async route(scanned: ScanCode, raw: string): Promise<ScanReply> {
    const { identities, pack, t } = this.deps;
    const pressed = raw.startsWith('button:');
    const packer = identities.current();
    let outcome: ScanOutcome;
    let approvalOffer: ScanReply['approvalOffer'];
    const badgeOwner = scanned.kind === 'code' ? identities.findByBadge(scanned.code) : null;
    if (scanned.kind === 'malformed') {
      outcome = { kind: 'unknown', tone: 'error', text: t('bench.malformed') };
    } else if (badgeOwner && badgeOwner.role === 'lead' && packer && packer.id !== badgeOwner.id && pack.orderView()) {
      // A lead called to the bench mid-order: the packer stays; the screen asks whether the lead approves.
      approvalOffer = { name: badgeOwner.name };
      outcome = { kind: 'unknown', tone: 'info', text: t('bench.approveAs', { lead: badgeOwner.name, packer: packer.name }) };
    } else if (badgeOwner && scanned.kind === 'code') {
      try {
        identities.login(scanned.code);
        outcome = { kind: 'unknown', tone: 'success', text: t('bench.hello', { name: badgeOwner.name, next: pack.nextAction() }) };
      } catch (error) {
        if (!(error instanceof StationFault)) throw error;
        outcome = { kind: 'unknown', tone: 'error', text: error.message };
      }
    } else if (!packer && scanned.kind === 'code' && this.localCopy.lookup(scanned.code).kind === 'none') {
      // Nobody is logged in, and the code is no order or item the bench knows: it was offered as a
      // badge, and an unknown one counts as a guess. (A packer who forgot to log in is not locked out.)
      const refusal = identities.unknownBadgeScanned();
      outcome = { kind: 'unknown', tone: refusal ? 'error' : 'warning', text: refusal?.message ?? t('bench.badgeThenOrder') };
    } else if (scanned.kind === 'unknown_command') {
      outcome = { kind: 'command', tone: 'error', text: t('bench.unknownCommand', { command: scanned.text }) };
    } else if (scanned.kind === 'command' && scanned.command === 'LOGOUT') {
      identities.logout();
      outcome = { kind: 'command', tone: 'info', text: t('bench.loggedOut') };
    } else if (!packer) {
      outcome = { kind: 'unknown', tone: 'warning', text: t('bench.badgeThenOrder') };
    } else if (scanned.kind === 'command') {
      outcome = await pack.command(scanned.command, packer);
    } else {
      outcome = await pack.scanCode(scanned.code, packer);
    }
    // Every scan is logged with what it turned out to be. What it changed (an item packed, an order
    // opened) was committed above with its own audit entry, so a crash between the two loses only this line.
    appendAudit(this.deps.db, this.deps.clock, {
      actor: actorOf(identities.current() ?? packer),
      action: pressed ? 'button' : 'scan',
      data: { code: raw.slice(0, 512), kind: badgeOwner ? 'badge' : scanned.kind === 'malformed' ? 'malformed' : outcome.kind },
    });
    if (!pressed) this.scanCount++;
    const reply = this.say(outcome.tone, outcome.text, outcome.link);
    this.deps.changed();
    return { kind: badgeOwner ? 'badge' : outcome.kind, message: reply, state: this.deps.state(), ...(approvalOffer ? { approvalOffer } : {}) };
  }
}
