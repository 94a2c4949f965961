// Schema-valid handlers for bridge tests: each records that it ran.
import type { StationState } from '../../shared/api';
import type { Handlers } from '../../shared/bridge';
import { defaultSettings } from '../../shared/settings';

export const sampleState: StationState = {
  mode: 'live',
  bench: 'Bench 1',
  packer: null,
  step: 'idle',
  nextAction: 'Scan your badge to start',
  message: null,
  scans: 0,
  order: null,
  label: null,
  cacheAge: null,
  odooLink: 'none',
};

export function fakeHandlers(calls: string[] = []): Handlers {
  const note = (name: string) => calls.push(name);
  return {
    scan: ({ code }) => {
      note('scan');
      return { kind: 'unknown', message: { tone: 'error', text: `Nothing matches "${code}"`, at: 1 }, state: sampleState };
    },
    getState: () => (note('getState'), sampleState),
    listExceptions: () => (note('listExceptions'), { items: [] }),
    resolveException: () => {
      throw new Error('not used');
    },
    fixRejectedShipment: () => {
      throw new Error('not used');
    },
    carrierServices: () => (note('carrierServices'), { providers: [] }),
    enterWeight: () => (note('enterWeight'), sampleState),
    labelImage: () => (note('labelImage'), { png: null }),
    getSettings: () => (note('getSettings'), defaultSettings()),
    updateSettings: () => (note('updateSettings'), defaultSettings()),
    testDevice: () => (note('testDevice'), { ok: false, message: 'No printer is set up.' }),
    detectScale: () => (note('detectScale'), { ok: false, message: 'No scale port is set up.', found: null }),
    login: () => (note('login'), sampleState),
    logout: () => (note('logout'), sampleState),
    benchCommand: () => (note('benchCommand'), { kind: 'command', message: { tone: 'info', text: 'Order put aside.', at: 1 }, state: sampleState }),
    printCommandSheet: () => (note('printCommandSheet'), { ok: true, message: 'sent', pdf: null }),
    exportSupportBundle: () => (note('exportSupportBundle'), { file: '/data/support/bundle.json', bytes: 1 }),
    listOutbox: () => (note('listOutbox'), { items: [] }),
    scopeOptions: () => (note('scopeOptions'), { companies: [], warehouses: [], pickingTypes: [], source: 'local' as const, problem: null }),
    testOdoo: () => (note('testOdoo'), { ok: true, message: 'Odoo answers.' }),
  };
}
