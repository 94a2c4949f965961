// One order through the station's log: every line about it, from the order scan to the label bought
// and Odoo told, carries the same correlation id (the order's key), so support can follow it in
// station.log and in the picking's chatter in Odoo; and nothing a packer scanned as a badge is written there.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';

let rig: SandboxRig;

beforeEach(async () => {
  rig = await startSandboxRig({ seed: 3 });
});
afterEach(() => rig.close());

describe('the log of one order', () => {
  it('follows the order from scan to Odoo under one key', async () => {
    const { scale, station, scan, untilStep, readyPickings } = rig;
    const [picking] = await readyPickings();
    await scan('P-1');
    const opened = await scan(picking!.name);
    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    scale.setWeight(expectedParcelWeight(station) + 5, { motionMs: 200 });
    await untilStep('done');

    const lines = station.stationLog.file
      .paths()
      .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n'))
      .map((line) => JSON.parse(line) as { order?: string; msg: string; scan?: string; kind?: string });
    const key = lines.find((l) => l.scan === 'order')?.order;
    expect(key).toMatch(new RegExp(`^odoo:[^:]+:picking:${picking!.id}$`));
    const ofOrder = lines.filter((l) => l.order === key).map((l) => l.msg);
    expect(ofOrder[0]).toBe('scan');
    expect(ofOrder).toEqual(expect.arrayContaining([expect.stringMatching(/applied$/)]));
    // The applied effects of this order (label, dispatch…) are all under its key.
    expect(lines.filter((l) => /applied$/.test(l.msg) && l.order !== key)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('P-1');
    // The same id in the picking's chatter in Odoo (done: Odoo has answered the dispatch).
    const bodies = rig.odoo.state.all('mail.message').filter((m) => m.res_id === picking!.id).map((m) => String(m.body));
    expect(bodies.filter((b) => b.includes(`Bench reference ${key}.`))).toHaveLength(1);
  });
});
