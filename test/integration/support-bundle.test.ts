// "Export support bundle" on a bench against the sandbox Odoo: a lead approves, the bundle is saved
// owner-only in the data folder with versions, devices, queue, settings and the recent log lines,
// and neither the Odoo API key nor the customer's name and address appear in it, even where a line
// in the log quoted them. The scale's latest raw reads are in it (hex and text, with times) from a
// scale on a real pty, the key masked even when the scale said it.
import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/bridge';
import { orderKey } from '../../electron/core/pack/effects';
import { SecretValues } from '../../electron/core/logs/redact';
import { scaleReadsForSupport } from '../../electron/core/logs/support-bundle';
import { leadPin } from '../support/approval';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { startScaleRig } from '../support/scale-rig';
import { stationDb } from '../support/station-db';

const LEAD = { badge: 'L-1', name: 'Lena', role: 'lead' as const, pin: '482913' };

let rig: SandboxRig<null>;

const call = (name: string, request: unknown) => dispatch(rig.station.handlers, name, request);

describe('support bundle', () => {
  beforeEach(async () => {
    rig = await startSandboxRig({ seed: 2, scale: false, staff: [LEAD] });
  });
  afterEach(() => rig.close());

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

describe('support bundle: the scale\'s raw reads', () => {
  it('holds what the scale sent, as hex and text with times, with the key masked even when the scale said it', async () => {
    const scaleRig = await startSandboxRig({ seed: 1, staff: [LEAD] });
    try {
      const sim = scaleRig.scale;
      await sim.waitForFrames(5);
      // The scale misbehaves: line noise before every frame, then a line that quotes the key.
      sim.setNoise(1);
      const noisyFrom = sim.frames();
      await sim.waitForFrames(noisyFrom + 5);
      sim.sendRaw(Buffer.from(`KEY ${scaleRig.apiKey}\r\n`, 'latin1'));
      await sim.waitForFrames(sim.frames() + 5);

      const result = await dispatch(scaleRig.station.handlers, 'exportSupportBundle', { approval: leadPin('482913') });
      expect(result).toMatchObject({ ok: true });
      const text = readFileSync((result as { ok: true; value: { file: string } }).value.file, 'utf8');
      const keyBytes = Buffer.from(scaleRig.apiKey, 'latin1');
      expect(text).not.toContain(scaleRig.apiKey);
      expect(text).not.toContain(keyBytes.toString('hex'));
      expect(text).not.toContain(keyBytes.toString('hex').replace(/(..)(?!$)/g, '$1 '));

      const reads = (JSON.parse(text) as { scaleReads: { at: string; length: number; hex: string; text: string }[] }).scaleReads;
      expect(reads.length).toBeGreaterThan(10);
      expect(reads.length).toBeLessThanOrEqual(200);
      for (const read of reads) {
        expect(read.hex).toMatch(/^[0-9a-f]{2}( [0-9a-f]{2})*$/);
        expect(read.text).toHaveLength(read.hex.split(' ').length);
        expect(read.hex.split(' ').map((h) => parseInt(h, 16)).map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')).toBe(read.text);
      }
      const times = reads.map((r) => Date.parse(r.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // What the scale said: its weight lines, the noise (high bytes, shown as dots), and the key masked.
      const all = reads.map((r) => r.text).join('');
      expect(all).toMatch(/S [SD] +[0-9.]+ kg\.\./);
      expect(reads.some((r) => r.hex.split(' ').some((h) => parseInt(h, 16) >= 0x80))).toBe(true);
      expect(all).toContain(`KEY ${'*'.repeat(scaleRig.apiKey.length)}..`);
    } finally {
      await scaleRig.close();
    }
  });

  it('keeps only the latest reads (a ring), newest last', async () => {
    const scale = await startScaleRig({ prefix: 'raw-reads-', simulator: { frameIntervalMs: 20 }, service: { rawReadsKept: 20 } });
    try {
      await scale.sim.waitForFrames(80);
      const reads = scale.scale.recentRaw();
      expect(reads).toHaveLength(20);
      const times = reads.map((r) => r.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // The newest: a read that came after 60 frames had already gone by.
      await scale.sim.waitForFrames(scale.sim.frames() + 3);
      const later = scale.scale.recentRaw();
      expect(later).toHaveLength(20);
      expect(later.at(-1)!.at).toBeGreaterThan(reads.at(-1)!.at);
      expect(later[0]!.at).toBeGreaterThan(reads[0]!.at);
    } finally {
      await scale.close();
    }
  });

  it('masks a key the scale split over two reads, in the hex as in the text', () => {
    const secrets = new SecretValues();
    secrets.add('sk_live_0123456789');
    const reads = [
      { at: 0, bytes: Buffer.from('S S   1.00 kg\r\nsk_live_01', 'latin1'), length: 25 },
      { at: 5, bytes: Buffer.from('23456789\r\n', 'latin1'), length: 10 },
    ];
    const shown = scaleReadsForSupport(reads, secrets);
    expect(shown.map((r) => r.text)).toEqual(['S S   1.00 kg..**********', '********..']);
    expect(JSON.stringify(shown)).not.toContain(Buffer.from('sk_live').toString('hex'));
    expect(shown[0]).toMatchObject({ at: '1970-01-01T00:00:00.000Z', length: 25, hex: expect.stringMatching(/^53 20 53 /) });
  });
});
