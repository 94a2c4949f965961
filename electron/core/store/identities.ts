// Who is at the bench: packer login by badge, shift-lead approval by badge or PIN.
// PINs are stored as scrypt hashes; repeated wrong PINs lock PIN approval for a while, and repeated
// unknown badges slow badge login down and then lock it. An approval is spent on one action only.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Approval, Person, Role } from '../../../shared/api';
import { StationFault } from '../../../shared/errors';
import type { Translate } from '../../../shared/i18n';
import type { Clock } from '../clock';
import { appendAudit } from './audit';
import type { Db } from './db';

export interface IdentityOptions {
  maxPinFailures?: number;
  lockoutMs?: number;
  /** scrypt cost (N); tests may lower it, the default is for the real bench. */
  scryptN?: number;
  /** Unknown badges before the bench makes each next try wait (1 s, 2 s, 4 s, …). */
  badgeSlowAfter?: number;
  /** Unknown badges before badge login locks for `lockoutMs`. */
  maxBadgeFailures?: number;
  /** Unknown badges are forgotten after this long without one (counted from the end of a lock). */
  badgeWindowMs?: number;
}

/** What an approval must carry at this site (settings `security.approvalRequires`). */
export type ApprovalRequires = 'badge_or_pin' | 'badge_and_pin';

interface StaffRow {
  id: number;
  badge: string;
  name: string;
  role: Role;
  pin_hash: string | null;
  active: number;
}

const KEY_LENGTH = 32;

export function hashPin(pin: string, n = 16384): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, KEY_LENGTH, { N: n, r: 8, p: 1 });
  return `scrypt$${n}$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(pin, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

export function actorOf(person: Person | null): string {
  return person ? `staff:${person.id}` : 'system';
}

export class Identities {
  private readonly maxPinFailures: number;
  private readonly lockoutMs: number;
  private readonly scryptN: number;
  private readonly badgeSlowAfter: number;
  private readonly maxBadgeFailures: number;
  private readonly badgeWindowMs: number;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** The station's translator: refusals (unknown badge, wrong PIN) in the bench's language. */
    private readonly t: Translate,
    options: IdentityOptions = {},
  ) {
    this.maxPinFailures = options.maxPinFailures ?? 5;
    this.lockoutMs = options.lockoutMs ?? 5 * 60_000;
    this.scryptN = options.scryptN ?? 16384;
    this.badgeSlowAfter = options.badgeSlowAfter ?? 3;
    this.maxBadgeFailures = options.maxBadgeFailures ?? 10;
    this.badgeWindowMs = options.badgeWindowMs ?? 15 * 60_000;
  }

  addStaff(input: { badge: string; name: string; role: Role; pin?: string }, actor = 'system'): Person {
    if (input.pin !== undefined && !/^\d{4,12}$/.test(input.pin)) {
      throw new StationFault('bad_pin', this.t('identity.badPin'));
    }
    return this.db.transaction(() => {
      if (this.findByBadge(input.badge)) {
        throw new StationFault('badge_taken', this.t('identity.badgeTaken', { badge: input.badge }));
      }
      const info = this.db
        .prepare('INSERT INTO staff (badge, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(
          input.badge,
          input.name,
          input.role,
          input.pin ? hashPin(input.pin, this.scryptN) : null,
          this.clock.now(),
        );
      const person: Person = { id: Number(info.lastInsertRowid), name: input.name, role: input.role };
      appendAudit(this.db, this.clock, {
        actor,
        action: 'staff.added',
        subject: `staff:${person.id}`,
        data: { name: person.name, role: person.role, hasPin: Boolean(input.pin) },
      });
      return person;
    })();
  }

  countStaff(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM staff WHERE active = 1').get() as { n: number }).n;
  }

  findByBadge(badge: string): Person | null {
    const row = this.db.prepare('SELECT * FROM staff WHERE badge = ? AND active = 1').get(badge) as
      | StaffRow
      | undefined;
    return row ? { id: row.id, name: row.name, role: row.role } : null;
  }

  current(): Person | null {
    const row = this.db
      .prepare('SELECT s.* FROM bench_login b JOIN staff s ON s.id = b.staff_id WHERE b.id = 1 AND s.active = 1')
      .get() as StaffRow | undefined;
    return row ? { id: row.id, name: row.name, role: row.role } : null;
  }

  /**
   * Log a packer (or lead) in at this bench by badge; replaces whoever was logged in. Unknown badges
   * count towards the badge lockout; while the bench makes a guesser wait or is locked, every badge
   * gets the same refusal, known or not.
   */
  login(badge: string): Person {
    const person = this.guardedBadge(badge);
    if (!person) throw new StationFault('unknown_badge', this.t('identity.unknownBadge'));
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO bench_login (id, staff_id, since) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET staff_id = excluded.staff_id, since = excluded.since')
        .run(person.id, this.clock.now());
      appendAudit(this.db, this.clock, { actor: actorOf(person), action: 'login', subject: null, data: {} });
    })();
    return person;
  }

  /**
   * A code scanned while nobody is logged in that is no one's badge: a badge guess like any other.
   * Returns the refusal to show when the bench is slowing down or locked, else null.
   */
  unknownBadgeScanned(): StationFault | null {
    const now = this.clock.now();
    return this.badgeRefusal(now) ?? this.badgeFailed(now);
  }

  /** The person whose badge this is, through the badge guard: throws while it refuses; counts a miss. */
  private guardedBadge(badge: string): Person | null {
    const now = this.clock.now();
    const refusal = this.badgeRefusal(now);
    if (refusal) throw refusal;
    const person = this.findByBadge(badge);
    if (person) return person;
    const locked = this.badgeFailed(now);
    if (locked) throw locked;
    return null;
  }

  private badgeGuard(): { failures: number; last_failure_at: number; locked_until: number } {
    return this.db.prepare('SELECT failures, last_failure_at, locked_until FROM badge_guard WHERE id = 1').get() as {
      failures: number;
      last_failure_at: number;
      locked_until: number;
    };
  }

  /** Whether the badge guard refuses any badge right now (locked, or a guesser must wait). */
  private badgeRefusal(now: number): StationFault | null {
    const guard = this.badgeGuard();
    if (guard.locked_until > now) {
      const minutes = Math.ceil((guard.locked_until - now) / 60_000);
      return new StationFault(
        'badge_locked',
        this.t('identity.badgesLocked', { count: minutes }),
        { lockedUntil: guard.locked_until },
      );
    }
    if (this.badgeForgotten(guard, now) || guard.failures < this.badgeSlowAfter) return null;
    const waitMs = 1000 * 2 ** Math.min(guard.failures - this.badgeSlowAfter, 8);
    if (now >= guard.last_failure_at + waitMs) return null;
    const seconds = Math.ceil((guard.last_failure_at + waitMs - now) / 1000);
    return new StationFault('badge_wait', this.t('identity.badgeWait', { count: seconds }));
  }

  private badgeForgotten(guard: { last_failure_at: number; locked_until: number }, now: number): boolean {
    return now - Math.max(guard.last_failure_at, guard.locked_until) > this.badgeWindowMs;
  }

  /**
   * Count one unknown badge. Audited once per burst: when a burst starts and when it locks the
   * bench, not for every guess. Returns the lock refusal when this one locked badges.
   */
  private badgeFailed(now: number): StationFault | null {
    const guard = this.badgeGuard();
    const failures = (this.badgeForgotten(guard, now) ? 0 : guard.failures) + 1;
    const locked = failures >= this.maxBadgeFailures;
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE badge_guard SET failures = ?, last_failure_at = ?, locked_until = ? WHERE id = 1')
        .run(failures, now, locked ? now + this.lockoutMs : guard.locked_until);
      if (failures === 1 || locked) {
        appendAudit(this.db, this.clock, {
          actor: 'system',
          action: locked ? 'badge.locked' : 'badge.unknown',
          data: { failures },
        });
      }
    })();
    return locked ? this.badgeRefusal(now) : null;
  }

  logout(): void {
    const person = this.current();
    if (!person) return;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM bench_login WHERE id = 1').run();
      appendAudit(this.db, this.clock, { actor: actorOf(person), action: 'logout', subject: null, data: {} });
    })();
  }

  /**
   * Check a shift-lead approval; returns the lead who approved or throws a fault for the bench.
   * A badge counts only when it was scanned; `badge_and_pin` sites need the lead's badge and that
   * lead's own PIN. An approval already used is refused before anything else.
   */
  approve(approval: Approval, requires: ApprovalRequires = 'badge_or_pin'): Person {
    this.assertUnused(approval.nonce);
    if (requires === 'badge_and_pin' && (approval.badge === undefined || approval.pin === undefined)) {
      throw new StationFault('approval_incomplete', this.t('identity.approvalIncomplete'));
    }
    if (approval.badge === undefined) return this.approveByPin(approval.pin!);
    if (approval.via !== 'scan') {
      appendAudit(this.db, this.clock, { actor: 'system', action: 'approval.refused', data: { by: 'typed_badge' } });
      throw new StationFault('badge_typed', this.t('identity.badgeTyped'));
    }
    const person = this.guardedBadge(approval.badge);
    if (!person || person.role !== 'lead') {
      // An unknown badge was counted (and audited per burst) by the guard; a packer's badge is audited here.
      if (person) appendAudit(this.db, this.clock, { actor: 'system', action: 'approval.refused', data: { by: 'badge' } });
      throw new StationFault('not_a_lead', this.t('identity.notALead'));
    }
    return approval.pin === undefined ? person : this.approveByPin(approval.pin, person.id);
  }

  private assertUnused(nonce: string): void {
    if (this.db.prepare('SELECT 1 FROM approval_uses WHERE nonce = ?').get(nonce)) {
      throw new StationFault('approval_used', this.t('identity.approvalUsed'));
    }
  }

  /**
   * Spend an approval on the one action it was given for. Call it inside the transaction that makes
   * the change, so the approval is used exactly when the change commits.
   */
  useApproval(approval: Approval, lead: Person, action: string, subject: string): void {
    this.assertUnused(approval.nonce);
    this.db
      .prepare('INSERT INTO approval_uses (nonce, action, subject, staff_id, used_at) VALUES (?, ?, ?, ?, ?)')
      .run(approval.nonce, action, subject, lead.id, this.clock.now());
  }

  /** A PIN of any lead, or (badge and PIN) of the lead `onlyId`. Wrong PINs lock PIN approval. */
  private approveByPin(pin: string, onlyId?: number): Person {
    const guard = this.db.prepare('SELECT failures, locked_until FROM pin_guard WHERE id = 1').get() as {
      failures: number;
      locked_until: number;
    };
    const now = this.clock.now();
    if (guard.locked_until > now) {
      const minutes = Math.ceil((guard.locked_until - now) / 60_000);
      throw new StationFault(
        'pin_locked',
        this.t('identity.pinLockedMore', { count: minutes }),
        { lockedUntil: guard.locked_until },
      );
    }
    const leads = this.db
      .prepare(`SELECT * FROM staff WHERE role = 'lead' AND active = 1 AND pin_hash IS NOT NULL`)
      .all() as StaffRow[];
    const match = leads.filter((lead) => onlyId === undefined || lead.id === onlyId).find((lead) => verifyPin(pin, lead.pin_hash!));
    if (match) {
      this.db.prepare('UPDATE pin_guard SET failures = 0, locked_until = 0 WHERE id = 1').run();
      return { id: match.id, name: match.name, role: match.role };
    }
    // The count goes on through a lockout (only a right PIN clears it): once it is reached, every
    // wrong PIN locks again at once, each time for twice as long (up to 32 times the first lock).
    const failures = guard.failures + 1;
    const locked = failures >= this.maxPinFailures;
    const lockMs = this.lockoutMs * 2 ** Math.min(failures - this.maxPinFailures, 5);
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE pin_guard SET failures = ?, locked_until = ? WHERE id = 1')
        .run(failures, locked ? now + lockMs : 0);
      appendAudit(this.db, this.clock, {
        actor: 'system',
        action: locked ? 'approval.locked' : 'approval.refused',
        data: { by: 'pin', failures },
      });
    })();
    if (locked) {
      const minutes = Math.ceil(lockMs / 60_000);
      throw new StationFault(
        'pin_locked',
        this.t('identity.pinLocked', { count: minutes }),
      );
    }
    const left = this.maxPinFailures - failures;
    throw new StationFault('wrong_pin', this.t('identity.wrongPin', { count: left }));
  }
}
