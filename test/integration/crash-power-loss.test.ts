// Power loss: while the bench packs, its disk is imaged at random moments (the core frozen, mid-write
// or not, and its SQLite file, WAL and audit-head.json copied as they lie). Each image, reopened as
// the bench would after the power came back, holds every order the packer was told was weighed
// before the cut, passes integrity_check, and `audit verify` on it holds.
import { describe, expect, it } from 'vitest';
import { runPowerLoss } from '../support/crash-harness';

describe('power loss while writes are in flight', () => {
  it('keeps every acknowledged order, an intact file and a verified audit log in each disk image', { timeout: 10 * 60_000 }, async () => {
    const copies = await runPowerLoss({ copies: 12, seed: Number(process.env.PACKBENCH_CRASH_SEED ?? 16) });
    expect(copies).toHaveLength(12);
    for (const copy of copies) {
      expect(copy.missing).toEqual([]);
      expect(copy.integrity).toBe('ok');
      expect(copy.audit).toMatchObject({ code: 0, output: expect.stringMatching(/^Audit log intact/) });
    }
    // The images were taken mid-shift: orders acknowledged, the WAL holding recent writes.
    expect(copies.at(-1)!.acknowledged).toBeGreaterThan(0);
    expect(copies.some((c) => c.walBytes > 0)).toBe(true);
  });
});
