// "Export support bundle" on a bench against the sandbox Odoo: a lead approves, the bundle is saved
// owner-only in the data folder with versions, devices, queue, settings and the recent log lines,
// and neither the Odoo API key nor the customer's name and address appear in it, even where a line
// in the log quoted them.
import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/bridge';
import { orderKey } from '../../electron/core/pack/effects';
import { leadPin } from '../support/approval';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { stationDb } from '../support/station-db';

let rig: SandboxRig<null>;

beforeEach(async () => {
  rig = await startSandboxRig({ seed: 2, scale: false, staff: [{ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' }] });
});
afterEach(() => rig.close());

const call = (name: string, request: unknown) => dispatch(rig.station.handlers, name, request);

describe('support bundle', () => {
  it('carries what support needs, and no secret, customer name or address', async () => {
    const [picking] = await rig.readyPickings();
    await rig.scan('P-1');
    await rig.scan(picking!.name);
    const customer = stationDb(rig.station)
      .prepare(`SELECT data ->> '$.shipTo' AS shipTo, data ->> '$.source' AS source FROM orders WHERE name = ?`)
      .get(picking!.name) as { shipTo: string; source: string };
    const shipTo = JSON.parse(customer.shipTo) as { name: string; street1: string; city: string; postalCode: string };
    expect(shipTo.name.length).toBeGreaterThan(3);

    // A component logs an Odoo refusal that quotes the request: the key in a header and in the
    // message, the customer by name and street. The key never reaches the file; the name does (the
    // log stays on the bench), so the bundle must mask it.
    const key = orderKey({ source: JSON.parse(customer.source) as { url: string; db: string }, pickingId: picking!.id });
    rig.station.stationLog
      .forOrder(key)
      .warn(
        { headers: { Authorization: `Bearer ${rig.apiKey}` }, params: { api_key: rig.apiKey } },
        `Odoo refused key ${rig.apiKey}: cannot ship to ${shipTo.name}, ${shipTo.street1}, ${shipTo.postalCode} ${shipTo.city}`,
      );
    rig.station.exceptions.raise({ kind: 'dead_letter', title: `Check the address of ${shipTo.name.toUpperCase()}`, context: {} });
    const logged = rig.station.stationLog.file.paths().map((f) => readFileSync(f, 'utf8')).join('');
    expect(logged).not.toContain(rig.apiKey);
    expect(logged).toContain(shipTo.name);
    // The order scan itself is logged under the same key (what it was taken as, never the code).
    const scanLine = logged.split('\n').find((line) => line.includes('"scan":"order"'));
    expect(scanLine).toContain(`"order":"${key}"`);
    expect(scanLine).not.toContain(picking!.name);

    // Without a lead's approval there is no bundle.
    const refused = await call('exportSupportBundle', { approval: leadPin('000000') });
    expect(refused).toMatchObject({ ok: false });
    const result = await call('exportSupportBundle', { approval: leadPin('482913') });
    expect(result).toMatchObject({ ok: true });
    const { file, bytes } = (result as { ok: true; value: { file: string; bytes: number } }).value;
    expect(file.startsWith(rig.station.dataDir)).toBe(true);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    const text = readFileSync(file, 'utf8');
    expect(Buffer.byteLength(text)).toBe(bytes);

    // Neither the secret nor the customer, in any spelling the bundle holds them.
    expect(text).not.toContain(rig.apiKey);
    for (const part of [shipTo.name, ...shipTo.name.split(/\s+/).filter((p) => p.length >= 3), shipTo.street1, shipTo.postalCode]) {
      expect(text.toLowerCase(), part).not.toContain(part.toLowerCase());
    }

    // What support asked for is there.
    const bundle = JSON.parse(text) as Record<string, unknown> & { logs: { msg?: string; order?: string }[] };
    expect(bundle).toMatchObject({
      format: 'packbench-support-bundle/1',
      mode: 'training',
      versions: { node: process.versions.node, sqlite: expect.stringMatching(/^3\./) },
      queue: { byTargetAndState: expect.any(Array) },
      settings: { bench: expect.any(Object) },
      credentials: expect.arrayContaining([{ name: 'odoo.api_key', state: expect.stringMatching(/^(set|not set)$/) }]),
    });
    const refusal = bundle.logs.find((line) => line.msg?.startsWith('Odoo refused key'));
    expect(refusal).toMatchObject({ order: key });
    expect(refusal!.msg).toContain('[redacted]');
    expect(refusal!.msg).toContain(shipTo.name.replace(/[\p{L}\p{N}]+/gu, (w) => w[0] + '*'.repeat(w.length - 1)));
    expect(JSON.stringify(bundle.openExceptions)).toContain('Check the address of');
  });
});
