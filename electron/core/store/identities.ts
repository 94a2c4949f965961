// Who is at the bench: packer login by badge, shift-lead approval by badge or PIN.
// PINs are stored as scrypt hashes; repeated wrong PINs lock PIN approval for a while.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Approval, Person, Role } from '../../../shared/api';
import { StationFault } from '../../../shared/errors';
import type { Clock } from '../clock';
import { appendAudit } from './audit';
import type { Db } from './db';

export interface IdentityOptions {
  maxPinFailures?: number;
  lockoutMs?: number;
  /** scrypt cost (N); tests may lower it, the default is for the real bench. */
  scryptN?: number;
}

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

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    options: IdentityOptions = {},
  ) {
    this.maxPinFailures = options.maxPinFailures ?? 5;
    this.lockoutMs = options.lockoutMs ?? 5 * 60_000;
    this.scryptN = options.scryptN ?? 16384;
  }

  addStaff(input: { badge: string; name: string; role: Role; pin?: string }, actor = 'system'): Person {
    if (input.pin !== undefined && !/^\d{4,12}$/.test(input.pin)) {
      throw new StationFault('bad_pin', 'A PIN is 4 to 12 digits.');
    }
    return this.db.transaction(() => {
      if (this.findByBadge(input.badge)) {
        throw new StationFault('badge_taken', `Badge ${input.badge} already belongs to someone.`);
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

  /** Log a packer (or lead) in at this bench by badge; replaces whoever was logged in. */
  login(badge: string): Person {
    const person = this.findByBadge(badge);
    if (!person) throw new StationFault('unknown_badge', 'That badge is not known here. Ask the shift lead to add you.');
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO bench_login (id, staff_id, since) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET staff_id = excluded.staff_id, since = excluded.since')
        .run(person.id, this.clock.now());
      appendAudit(this.db, this.clock, { actor: actorOf(person), action: 'login', subject: null, data: {} });
    })();
    return person;
  }

  logout(): void {
    const person = this.current();
    if (!person) return;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM bench_login WHERE id = 1').run();
      appendAudit(this.db, this.clock, { actor: actorOf(person), action: 'logout', subject: null, data: {} });
    })();
  }

  /** Check a shift-lead approval; returns the lead who approved or throws a fault for the bench. */
  approve(approval: Approval): Person {
    if ('badge' in approval) {
      const person = this.findByBadge(approval.badge);
      if (!person || person.role !== 'lead') {
        appendAudit(this.db, this.clock, { actor: 'system', action: 'approval.refused', data: { by: 'badge' } });
        throw new StationFault('not_a_lead', 'That badge does not belong to a shift lead.');
      }
      return person;
    }
    return this.approveByPin(approval.pin);
  }

  private approveByPin(pin: string): Person {
    const guard = this.db.prepare('SELECT failures, locked_until FROM pin_guard WHERE id = 1').get() as {
      failures: number;
      locked_until: number;
    };
    const now = this.clock.now();
    if (guard.locked_until > now) {
      const minutes = Math.ceil((guard.locked_until - now) / 60_000);
      throw new StationFault(
        'pin_locked',
        `Too many wrong PINs. PIN approval is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}; a shift lead can scan their badge instead.`,
        { lockedUntil: guard.locked_until },
      );
    }
    const leads = this.db
      .prepare(`SELECT * FROM staff WHERE role = 'lead' AND active = 1 AND pin_hash IS NOT NULL`)
      .all() as StaffRow[];
    const match = leads.find((lead) => verifyPin(pin, lead.pin_hash!));
    if (match) {
      this.db.prepare('UPDATE pin_guard SET failures = 0, locked_until = 0 WHERE id = 1').run();
      return { id: match.id, name: match.name, role: match.role };
    }
    const failures = guard.failures + 1;
    const locked = failures >= this.maxPinFailures;
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE pin_guard SET failures = ?, locked_until = ? WHERE id = 1')
        .run(locked ? 0 : failures, locked ? now + this.lockoutMs : 0);
      appendAudit(this.db, this.clock, {
        actor: 'system',
        action: locked ? 'approval.locked' : 'approval.refused',
        data: { by: 'pin', failures },
      });
    })();
    if (locked) {
      throw new StationFault(
        'pin_locked',
        `Too many wrong PINs. PIN approval is locked for ${Math.ceil(this.lockoutMs / 60_000)} minutes; a shift lead can scan their badge instead.`,
      );
    }
    const left = this.maxPinFailures - failures;
    throw new StationFault('wrong_pin', `That PIN is not right. ${left} attempt${left === 1 ? '' : 's'} left.`);
  }
}
