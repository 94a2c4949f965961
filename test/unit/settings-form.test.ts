// The settings screen's form logic (renderer/src/station/settings-form.ts) and the patch it sends.
import { describe, expect, it } from 'vitest';
import { scaleProtocolNames } from '../../electron/core/devices/scale/protocols';
import { applySettingsPatch, defaultSettings, SettingsPatch } from '../../shared/settings';
import { commands } from '../../shared/api';
import { draftOf, patchOf, refusalOf, SCALE_PROTOCOLS, ScanBurst } from '../../renderer/src/station/settings-form';
import { leadPin } from '../support/approval';

describe('SettingsPatch', () => {
  it('holds only the fields it names: the rest of a section stays as saved', () => {
    const saved = defaultSettings();
    saved.packing.toleranceMinG = 80;
    saved.printer.uri = 'tcp://10.0.0.5:9100';
    saved.printer.dpi = 300;
    saved.printer.language = 'escpos';
    const patch = SettingsPatch.parse({ packing: { tolerancePct: 12 }, printer: { fallbackUri: 'cups:spare' } });
    expect(patch).toEqual({ packing: { tolerancePct: 12 }, printer: { fallbackUri: 'cups:spare' } });
    const next = applySettingsPatch(saved, patch);
    expect(next.packing).toEqual({ verifyItems: true, tolerancePct: 12, toleranceMinG: 80, boxTareG: 150 });
    expect(next.printer).toEqual({ uri: 'tcp://10.0.0.5:9100', fallbackUri: 'cups:spare', dpi: 300, language: 'escpos', fallbackLanguage: 'zpl', statusQuery: 'ask', fallbackStatusQuery: 'ask', unicodeFont: null });
  });

  it('is what updateSettings carries, refusals included', () => {
    const request = commands.updateSettings.request.parse({ patch: { bench: { name: 'Dock 3' } }, approval: leadPin('1234') });
    expect(request.patch).toEqual({ bench: { name: 'Dock 3' } });
    expect(commands.updateSettings.request.safeParse({ patch: { printer: { uri: 'http://x' } }, approval: leadPin('1234') }).success).toBe(false);
  });
});

describe('settings form', () => {
  it('turns kiosk mode on alone: the desktop section patch names only that field', () => {
    const saved = defaultSettings();
    expect(saved.desktop).toEqual({ kiosk: false, startAtLogin: false });
    const { patch, changed } = patchOf(saved, { ...draftOf(saved), 'desktop.kiosk': true });
    expect(patch).toEqual({ desktop: { kiosk: true } });
    expect(changed).toEqual(['desktop.kiosk']);
    expect(applySettingsPatch(saved, SettingsPatch.parse(patch)).desktop).toEqual({ kiosk: true, startAtLogin: false });
  });

  it('offers exactly the scale protocols the core knows', () => {
    expect(SCALE_PROTOCOLS.map((p) => p.name).sort()).toEqual([...scaleProtocolNames].sort());
  });

  it('sends nothing when nothing changed', () => {
    const settings = defaultSettings();
    expect(patchOf(settings, draftOf(settings))).toEqual({ patch: {}, changed: [] });
  });

  it('sends only the changed fields, typed as the schema takes them', () => {
    const settings = { ...defaultSettings(), printer: { ...defaultSettings().printer, uri: 'tcp://10.0.0.5:9100' } };
    const draft = {
      ...draftOf(settings),
      'bench.name': '  Dock 7 ',
      'packing.tolerancePct': '12,5',
      'packing.verifyItems': false,
      'printer.uri': '',
      'printer.dpi': '300',
      'printer.language': 'escpos',
      'scale.protocol': 'toledo-8217',
    };
    const { patch, changed } = patchOf(settings, draft);
    expect(patch).toEqual({
      bench: { name: 'Dock 7' },
      printer: { uri: null, dpi: 300, language: 'escpos' },
      scale: { protocol: 'toledo-8217' },
      packing: { verifyItems: false, tolerancePct: 12.5 },
    });
    expect(changed).toEqual(['bench.name', 'printer.uri', 'printer.dpi', 'printer.language', 'scale.protocol', 'packing.verifyItems', 'packing.tolerancePct']);
    expect(SettingsPatch.safeParse(patch).success).toBe(true);
  });

  it('sends the default carrier whole: provider and service together, as the schema takes it', () => {
    const settings = defaultSettings();
    const { patch, changed } = patchOf(settings, { ...draftOf(settings), 'carriers.default.provider': 'shippo', 'carriers.default.service': 'usps_priority' });
    expect(patch).toEqual({ carriers: { default: { provider: 'shippo', service: 'usps_priority' } } });
    expect(changed).toEqual(['carriers.default.provider', 'carriers.default.service']);
    const onlyProvider = patchOf(settings, { ...draftOf(settings), 'carriers.default.provider': 'shipengine' }).patch;
    expect(onlyProvider).toEqual({ carriers: { default: { provider: 'shipengine', service: 'standard' } } });
    // The rest of the section (Odoo's carriers mapped, the providers' addresses) stays as saved.
    expect(applySettingsPatch(settings, SettingsPatch.parse(onlyProvider)).carriers).toEqual({ ...settings.carriers, default: { provider: 'shipengine', service: 'standard' } });
  });

  it('takes a scale speed from the list, and "usual speed" as none', () => {
    const settings = defaultSettings();
    expect(patchOf(settings, { ...draftOf(settings), 'scale.baudRate': '4800' }).patch).toEqual({ scale: { baudRate: 4800 } });
    const set = { ...settings, scale: { ...settings.scale, baudRate: 4800 as const } };
    expect(draftOf(set)['scale.baudRate']).toBe('4800');
    expect(patchOf(set, { ...draftOf(set), 'scale.baudRate': '' }).patch).toEqual({ scale: { baudRate: null } });
    expect(SettingsPatch.safeParse({ scale: { baudRate: 4801 } }).success).toBe(false);
  });

  it('turns refusals into words for the fields a lead changed', () => {
    const draft = { ...draftOf(defaultSettings()), 'printer.fallbackUri': 'http://printer', 'packing.boxTareG': '' };
    const { patch } = patchOf(defaultSettings(), draft);
    const parsed = commands.updateSettings.request.safeParse({ patch, approval: leadPin('1234') });
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const refusal = refusalOf({ code: 'bad_request', message: 'That request was not understood, so nothing was changed.', detail: { issues } });
    expect(refusal.fields).toEqual({
      'printer.fallbackUri': 'A printer is tcp://host:port, file:PATH, serial:PATH?baud=9600 or cups:QUEUE',
      'packing.boxTareG': 'Enter whole grams, 0 or more.',
    });
    expect(refusal.summary).toBe(
      'Nothing was saved. Fallback printer: A printer is tcp://host:port, file:PATH, serial:PATH?baud=9600 or cups:QUEUE. Box tare: Enter whole grams, 0 or more.',
    );
  });

  it('passes the core’s own message on when no field is at fault', () => {
    expect(refusalOf({ code: 'wrong_pin', message: 'That PIN is not right. 4 attempts left.' })).toEqual({
      fields: {},
      summary: 'That PIN is not right. 4 attempts left.',
    });
  });
});

describe('ScanBurst', () => {
  const feed = (burst: ScanBurst, text: string, start: number, gap: number, before: string) =>
    [...text].map((ch, i) => burst.key(ch === '\n' ? 'Enter' : ch, start + i * gap, before + text.slice(0, i))).at(-1);

  it('tells a scanner burst ending in Enter, and what the field held before it', () => {
    expect(feed(new ScanBurst(), 'TRAIN-PACKER\n', 1000, 5, 'Dock 7')).toEqual({ scanned: true, restore: 'Dock 7' });
  });

  it('leaves typing alone, however it ends', () => {
    expect(feed(new ScanBurst(), 'Dock 8\n', 1000, 120, '')).toEqual({ scanned: false });
    expect(feed(new ScanBurst(), 'ab\n', 1000, 5, '')).toEqual({ scanned: false }); // too short to be a code
  });

  it('restores what was there before the burst, not a slow keystroke typed just before it', () => {
    const burst = new ScanBurst();
    burst.key('x', 0, 'Dock');
    expect(feed(burst, 'BADGE-1\n', 500, 5, 'Dockx')).toEqual({ scanned: true, restore: 'Dockx' });
  });
});
