// The crash harness on every change: 200 kills (PACKBENCH_CRASH_KILLS to change it) across every
// named crash point and at random moments, the core in a child process against the sandbox Odoo
// and ShipEngine in a process of their own. After the last restart has drained, what the packer was
// told was weighed is in Odoo once: one label bought, one validation, one chatter message, one
// attachment and one package per parcel; the SQLite file passes integrity_check and the audit
// chain holds; every crash point was hit at least once.
import { describe, expect, it } from 'vitest';
import { CRASH_POINTS } from '../../electron/core/crash-points';
import { runCrashHarness } from '../support/crash-harness';

const kills = Number(process.env.PACKBENCH_CRASH_KILLS ?? 200);

describe('kill -9 across every crash point', () => {
  it(`loses no acknowledged order and does nothing twice over ${kills} kills`, { timeout: 30 * 60_000 }, async () => {
    const report = await runCrashHarness({ kills, seed: Number(process.env.PACKBENCH_CRASH_SEED ?? 16) });
    console.log(
      `crash harness: ${report.kills} kills (${report.random} at random moments; by point ${JSON.stringify(report.byPoint)}), ` +
        `${report.acknowledged} orders acknowledged, ${report.dispatched} dispatched, ${report.duplicates.length} duplicates, ` +
        `${report.stuckAfterPrint.length} left at 'Getting the label' with their label printed, ${Math.round(report.durationMs / 1000)} s`,
    );
    expect(report.duplicates).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(report.integrity).toBe('ok');
    expect(report.auditOk).toBe(true);
    expect(report.kills).toBe(kills);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.dispatched).toBe(report.acknowledged);
    // None left at "Getting the label" with its label out (crash-print-confirmed.test.ts).
    expect(report.stuckAfterPrint).toEqual([]);
    // Every point was hit (a short run may not get round them all).
    if (kills >= 4 * CRASH_POINTS.length) expect(report.missedPoints).toEqual([]);
  });
});
