// Settings on a real database file: validated by zod on every read and write, audited with who
// changed them, a damaged section falls back to its defaults, and no field can carry a secret.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings, type SettingsPatch } from '../../shared/settings';
import { ManualClock } from '../../electron/core/clock';
import { listAudit } from '../../electron/core/store/audit';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { SettingsStore } from '../../electron/core/store/settings-store';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
let db: Db;
const clock = new ManualClock();

beforeEach(() => {
  dir = tempDir('packbench-settings-');
  db = openDatabase(dir.file('station.sqlite'));
});
afterEach(() => {
  if (db.open) db.close();
  dir.remove();
});

describe('settings store', () => {
  it('starts from the defaults, and keeps a change across a restart, audited with who made it', () => {
    const store = new SettingsStore(db, clock);
    expect(store.get()).toEqual(defaultSettings());
    store.update({ bench: { name: 'Dock 3' }, printer: { uri: 'tcp://10.0.0.5:9100' } }, 'staff:2');
    db.close();
    db = openDatabase(dir.file('station.sqlite'));
    expect(new SettingsStore(db, clock).get()).toMatchObject({ bench: { name: 'Dock 3' }, printer: { uri: 'tcp://10.0.0.5:9100', fallbackUri: null } });
    expect(listAudit(db).map((a) => [a.actor, a.action])).toEqual([['staff:2', 'settings.updated']]);
  });

  it('refuses an invalid change whole: nothing stored, nothing audited', () => {
    const store = new SettingsStore(db, clock);
    for (const patch of [
      { packing: { tolerancePct: 500 } },
      { printer: { uri: 'http://printer' } },
      { odoo: { url: 'not a url' } },
      { bench: { name: 'Dock 4' }, wifi: { password: 'x' } },
    ]) {
      expect(() => store.update(patch as SettingsPatch, 'staff:2'), JSON.stringify(patch)).toThrow();
    }
    expect(store.get()).toEqual(defaultSettings());
    expect(listAudit(db)).toEqual([]);
  });

  it('has nowhere to keep an API key: a key slipped into a patch is neither stored nor audited', () => {
    const store = new SettingsStore(db, clock);
    const key = 'pbkey-0123456789abcdef';
    store.update({ odoo: { url: 'https://odoo.example.com', apiKey: key } } as unknown as SettingsPatch, 'staff:2');
    expect(store.get().odoo.url).toBe('https://odoo.example.com');
    const everything = JSON.stringify([db.prepare('SELECT * FROM settings').all(), listAudit(db)]);
    expect(everything).not.toContain(key);
  });

  it('falls back to the defaults for a section that no longer validates, keeps the others, and says so', () => {
    new SettingsStore(db, clock).update({ bench: { name: 'Dock 3' }, packing: { boxTareG: 200 } }, 'staff:2');
    db.prepare(`UPDATE settings SET value = '{"boxTareG": -5}' WHERE section = 'packing'`).run();
    const invalid = vi.fn();
    const settings = new SettingsStore(db, clock, invalid).get();
    expect(settings.packing).toEqual(defaultSettings().packing);
    expect(settings.bench.name).toBe('Dock 3');
    expect(invalid).toHaveBeenCalledWith('packing', expect.any(String));
  });
});
