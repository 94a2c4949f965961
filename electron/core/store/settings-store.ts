// Settings persisted per section and validated by zod on every read and write.
import type { SettingsInForce } from '../../../shared/api';
import { applySettingsPatch, Settings, SettingsPatch } from '../../../shared/settings';
import type { Clock } from '../clock';
import { appendAudit } from './audit';
import type { Db } from './db';

export class SettingsStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly onInvalid: (section: string, issue: string) => void = () => {},
  ) {}

  /** Read every section; a section that no longer validates falls back to its defaults (and is reported). */
  get(): Settings {
    const rows = this.db.prepare('SELECT section, value FROM settings').all() as { section: string; value: string }[];
    const raw: Record<string, unknown> = {};
    for (const row of rows) {
      if (!(row.section in Settings.shape)) continue;
      const schema = Settings.shape[row.section as keyof Settings];
      const parsed = schema.safeParse(JSON.parse(row.value));
      if (parsed.success) raw[row.section] = parsed.data;
      else this.onInvalid(row.section, parsed.error.message);
    }
    return Settings.parse(raw);
  }

  /** Apply a validated patch; the changed sections and an audit entry commit together. */
  update(input: SettingsPatch, actor: string): Settings {
    // Validated here too, whoever calls: only known fields are stored or audited (never, say, a key).
    const patch = SettingsPatch.parse(input);
    return this.db
      .transaction(() => {
        const next = applySettingsPatch(this.get(), patch);
        const upsert = this.db.prepare(
          `INSERT INTO settings (section, value, updated_at) VALUES (?, ?, ?)
           ON CONFLICT(section) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        );
        for (const section of Object.keys(patch) as (keyof Settings)[]) {
          if (patch[section] === undefined) continue;
          upsert.run(section, JSON.stringify(next[section]), this.clock.now());
        }
        appendAudit(this.db, this.clock, { actor, action: 'settings.updated', data: { patch } });
        return next;
      })
      .immediate();
  }
}

/**
 * The settings in force for this run: the stored ones with the command-line flags over them (the
 * flags are never persisted), and for the settings screen which fields the flags set.
 */
export function settingsForRun(store: SettingsStore, overrides: SettingsPatch | undefined): { effective(): Settings; inForce(): SettingsInForce } {
  const effective = () => (overrides ? applySettingsPatch(store.get(), overrides) : store.get());
  const overridden = Object.entries(overrides ?? {}).flatMap(([section, fields]) =>
    Object.entries((fields ?? {}) as Record<string, unknown>)
      .filter(([, value]) => value !== undefined)
      .map(([field]) => `${section}.${field}`),
  );
  return { effective, inForce: () => ({ ...effective(), overridden }) };
}
