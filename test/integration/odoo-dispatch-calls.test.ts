// What one order's dispatch costs Odoo (issue 14), against the sandbox Odoo: the reads the checks
// need (one per model), the package create (no search on the row's first go: nothing it makes can
// exist yet), one write, the validation (its state read back only on 19), the attachment and the
// message. And a package a stopped attempt made is found and reused, never twinned: a row found in
// flight after a restart, and a row put back after two stops in a row (the outbox counted its
// hand-out as it went out, before the package was made).
import { afterEach, describe, expect, it } from 'vitest';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { systemClock } from '../../electron/core/clock';
import { inTransaction } from '../../electron/core/store/db';
import { markInFlight } from '../../electron/core/sync/outbox';
import { dispatchRig, readyUntracked, type DispatchRig } from '../support/dispatch-rig';

const KEY = 'dispatch-calls-key-0123456789';

let odoo: SandboxOdoo;
let rig: DispatchRig;

afterEach(async () => {
  rig.close();
  await odoo.close();
});

const untracked = (): Rec[] => readyUntracked(odoo);
/** The calls since `from`, by model and method; the session's own and the country codes (read once per bench) left out. */
const callsSince = (from: number) =>
  odoo.rpcLog
    .slice(from)
    .filter((e) => !['authenticate', 'version', 'context_get'].includes(e.method) && e.model !== 'res.country')
    .map((e) => `${e.model}.${e.method}`)
    .sort();

describe.each([17, 19] as SandboxVersion[])('one dispatch against Odoo %i', (version) => {
  it('reads each model once, makes its package without a search on its first go, and reads the state back only where Odoo cannot say', async () => {
    odoo = await startSandboxOdoo({ version, apiKey: KEY, seed: 20 });
    rig = await dispatchRig(odoo);
    const [picking] = untracked();
    const id = rig.queue(await rig.cache(String(picking!.name)));
    const from = odoo.rpcLog.length;
    await rig.drain();
    expect(rig.state(id)).toBe('done');
    const packageModel = version >= 19 ? 'stock.package' : 'stock.quant.package';
    expect(callsSince(from)).toEqual(
      [
        'stock.picking.search_read',
        'mail.message.search_read',
        'stock.move.read',
        'stock.move.line.search_read',
        'res.partner.read',
        `${packageModel}.create`,
        'stock.picking.write',
        'stock.picking.button_validate',
        ...(version >= 19 ? ['stock.picking.read'] : []),
        'ir.attachment.create',
        'stock.picking.message_post',
      ].sort(),
    );
    expect(odoo.state.get('stock.picking', picking!.id)!.state).toBe('done');
  });

  /**
   * A bench hands the row out (as its worker does, before any call), makes the package and dies
   * before it hears back: the row is left in flight with its package in Odoo.
   */
  async function stoppedAfterPackage(ref: string) {
    odoo = await startSandboxOdoo({ version, apiKey: KEY, seed: 20 });
    rig = await dispatchRig(odoo);
    const packageModel = version >= 19 ? 'stock.package' : 'stock.quant.package';
    const [picking] = untracked();
    const id = rig.queue(await rig.cache(String(picking!.name)), { trackingRef: ref });
    inTransaction(rig.db, () => markInFlight(rig.db, systemClock, [id]));
    await rig.transport.call(packageModel, 'create', { vals_list: [{ name: ref, shipping_weight: 1.25 }] });
    return { id, picking: picking!, packageModel };
  }

  it('a row found in flight after a restart looks its package up and reuses it', async () => {
    const ref = 'PBSTOPPED0001';
    const { id, picking, packageModel } = await stoppedAfterPackage(ref);
    await rig.worker.recover();
    expect(rig.state(id)).toBe('pending');
    const from = odoo.rpcLog.length;
    await rig.drain();
    expect(rig.state(id)).toBe('done');
    expect(callsSince(from)).toContain(`${packageModel}.search_read`);
    const packages = odoo.state.all(packageModel).filter((p) => p.name === ref);
    expect(packages).toHaveLength(1);
    const lines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === picking.id);
    expect(new Set(lines.map((l) => l.result_package_id))).toEqual(new Set([packages[0]!.id]));
  });

  it('a row whose package was made before two stops in a row (the second before its retry) still reuses it', async () => {
    // Found by `npm run soak -- --kills 1000`: killed after the package create, restarted (the row
    // looked up and put back to pending, its attempt not counted), killed again before the retry:
    // the next bench must not take the row for a first try and make a twin package.
    const ref = 'PBSTOPPED0002';
    // The first bench stops after the package.
    const { id, packageModel } = await stoppedAfterPackage(ref);
    // The second bench looks it up on start (not done) and puts it back, then dies before the retry.
    await rig.worker.recover();
    // As the third bench finds it: pending, never counted as a failed try.
    expect(rig.db.prepare('SELECT state, attempts FROM outbox WHERE id = ?').get(id)).toEqual({ state: 'pending', attempts: 0 });
    await rig.drain();
    expect(rig.state(id)).toBe('done');
    const packages = odoo.state.all(packageModel).filter((p) => p.name === ref);
    expect(packages).toHaveLength(1);
  });
});
