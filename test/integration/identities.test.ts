// Badge login and shift-lead approval, with PIN lockout, on a real database file.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationFault } from '../../shared/errors';
import { ManualClock } from '../../electron/core/clock';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { hashPin, Identities, verifyPin } from '../../electron/core/store/identities';
import { tempDir } from '../support/temp-dir';
import { createTranslator } from '../../electron/core/i18n/translator';

let dir: ReturnType<typeof tempDir>;
let db: Db;
let clock: ManualClock;
let ids: Identities;

/** A fresh approval, as the screen makes one each time a lead gives it (a badge arrives as a scan). */
const scanned = (badge: string) => ({ badge, via: 'scan' as const, nonce: randomUUID() });
const pinOf = (pin: string) => ({ pin, nonce: randomUUID() });

function faultOf(fn: () => unknown): StationFault {
  try {
    fn();
  } catch (error) {
    if (error instanceof StationFault) return error;
    throw error;
  }
  throw new Error('expected a fault');
}

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(dir.file('i.sqlite'));
  clock = new ManualClock();
  ids = new Identities(db, clock, createTranslator('en').t, { scryptN: 1024, maxPinFailures: 5, lockoutMs: 5 * 60_000 });
  ids.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
  ids.addStaff({ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' });
});
afterEach(() => {
  db.close();
  dir.remove();
});

describe('PIN hashing', () => {
  it('stores scrypt hashes, never the PIN', () => {
    const stored = hashPin('482913', 1024);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(stored).not.toContain('482913');
    expect(verifyPin('482913', stored)).toBe(true);
    expect(verifyPin('482914', stored)).toBe(false);
    const row = db.prepare(`SELECT pin_hash FROM staff WHERE badge = 'L-1'`).get() as { pin_hash: string };
    expect(row.pin_hash).not.toContain('482913');
  });
});

describe('badge login', () => {
  it('logs a packer in and out, audited with the actor', () => {
    expect(ids.login('P-1')).toMatchObject({ name: 'Pia', role: 'packer' });
    expect(ids.current()?.name).toBe('Pia');
    ids.logout();
    expect(ids.current()).toBeNull();
    const actions = db.prepare(`SELECT actor, action FROM audit_log WHERE action IN ('login','logout')`).all();
    expect(actions).toEqual([
      { actor: 'staff:1', action: 'login' },
      { actor: 'staff:1', action: 'logout' },
    ]);
  });

  it('refuses an unknown badge with a message for the bench', () => {
    const fault = faultOf(() => ids.login('NOPE'));
    expect(fault.code).toBe('unknown_badge');
    expect(fault.message).toMatch(/not known here/);
  });

  it('keeps the login across a restart', () => {
    ids.login('P-1');
    db.close();
    db = openDatabase(dir.file('i.sqlite'));
    expect(new Identities(db, clock, createTranslator('en').t).current()?.name).toBe('Pia');
  });
});

describe('shift-lead approval', () => {
  it('accepts a lead badge and refuses a packer badge', () => {
    expect(ids.approve(scanned('L-1')).name).toBe('Lena');
    expect(faultOf(() => ids.approve(scanned('P-1'))).code).toBe('not_a_lead');
  });

  it('accepts the right PIN', () => {
    expect(ids.approve(pinOf('482913')).name).toBe('Lena');
  });

  it('counts wrong PINs down and then locks PIN approval', () => {
    for (let left = 4; left >= 1; left--) {
      const fault = faultOf(() => ids.approve(pinOf('000000')));
      expect(fault.code).toBe('wrong_pin');
      expect(fault.message).toContain(`${left} attempt`);
    }
    const locked = faultOf(() => ids.approve(pinOf('000000')));
    expect(locked.code).toBe('pin_locked');
    // Locked means locked: even the right PIN is refused, and the message offers the badge instead.
    const still = faultOf(() => ids.approve(pinOf('482913')));
    expect(still.code).toBe('pin_locked');
    expect(still.message).toMatch(/scan their badge/);
    expect(ids.approve(scanned('L-1')).name).toBe('Lena');
    clock.advance(5 * 60_000 + 1);
    expect(ids.approve(pinOf('482913')).name).toBe('Lena');
    const audit = db.prepare(`SELECT action FROM audit_log WHERE action LIKE 'approval.%'`).all();
    expect(audit).toContainEqual({ action: 'approval.locked' });
  });

  it('keeps the lockout across a restart', () => {
    for (let i = 0; i < 5; i++) faultOf(() => ids.approve(pinOf('111111')));
    db.close();
    db = openDatabase(dir.file('i.sqlite'));
    const again = new Identities(db, clock, createTranslator('en').t, { scryptN: 1024 });
    expect(faultOf(() => again.approve(pinOf('482913'))).code).toBe('pin_locked');
  });

  it('keeps counting wrong PINs through a lockout: the next wrong PIN after it locks again at once, for longer', () => {
    for (let i = 0; i < 5; i++) faultOf(() => ids.approve(pinOf('111111')));
    clock.advance(5 * 60_000 + 1);
    const again = faultOf(() => ids.approve(pinOf('222222')));
    expect(again.code).toBe('pin_locked');
    expect(again.message).toMatch(/locked for 10 minutes/);
    clock.advance(10 * 60_000 + 1);
    expect(faultOf(() => ids.approve(pinOf('333333'))).message).toMatch(/locked for 20 minutes/);
    clock.advance(20 * 60_000 + 1);
    // The right PIN still works once the lock is over, and clears the count.
    expect(ids.approve(pinOf('482913')).name).toBe('Lena');
    expect(faultOf(() => ids.approve(pinOf('111111'))).message).toContain('4 attempts');
  });

  it('a correct PIN resets the failure count', () => {
    faultOf(() => ids.approve(pinOf('111111')));
    faultOf(() => ids.approve(pinOf('111111')));
    ids.approve(pinOf('482913'));
    expect(faultOf(() => ids.approve(pinOf('111111'))).message).toContain('4 attempts');
  });
});
