// The bench commands on screen: a button only where its command applies, every one from the list
// the scanner understands; and each message tone's sound.
import { describe, expect, it } from 'vitest';
import type { StationState } from '../../shared/api';
import { BENCH_COMMANDS, COMMAND_NAMES } from '../../shared/bench-commands';
import { commandsFor } from '../../renderer/src/station/commands-for';
import { soundOf } from '../../renderer/src/station/sounds';

const base: StationState = {
  mode: 'live',
  bench: 'Bench 1',
  packer: { id: 1, name: 'Pia', role: 'packer' },
  step: 'idle',
  nextAction: '',
  message: null,
  scans: 0,
  order: null,
  label: null,
  cacheAge: null,
  odooLink: 'none',
};
const label = (printState: NonNullable<StationState['label']>['printState']): StationState['label'] => ({
  trackingNumber: 'PB1',
  carrier: 'Local',
  service: 'Standard',
  weightG: 100,
  parcelCount: 1,
  shipTo: [],
  reference: 'WH/OUT/1',
  status: 'labelled',
  printState,
});

describe('command buttons', () => {
  it('shows each command where it applies, and none to nobody', () => {
    expect(commandsFor({ ...base, packer: null })).toEqual([]);
    expect(commandsFor(base)).toEqual(['LOGOUT']);
    expect(commandsFor({ ...base, step: 'packing' })).toEqual(['NEW-PARCEL', 'UNDO', 'CANCEL', 'LOGOUT']);
    expect(commandsFor({ ...base, step: 'weighing' })).toEqual(['CLOSE-ORDER', 'UNDO', 'CANCEL', 'LOGOUT']);
    expect(commandsFor({ ...base, step: 'labelling', label: label('sent') })).toEqual(['LOGOUT']);
    expect(commandsFor({ ...base, step: 'labelling', label: label('failed') })).toEqual(['PRINT', 'LOGOUT']);
    expect(commandsFor({ ...base, step: 'labelling', label: label('uncertain') })).toEqual(['PRINTED', 'PRINT', 'LOGOUT']);
    expect(commandsFor({ ...base, step: 'done', label: label('confirmed') })).toEqual(['REPRINT-DAMAGED', 'REPRINT-JAMMED', 'REPRINT-LOST', 'LOGOUT']);
  });

  it('names every command the scanner understands', () => {
    for (const command of BENCH_COMMANDS) expect(COMMAND_NAMES[command].length).toBeGreaterThan(3);
  });

  it('makes a sound for success, warning and error, none for info', () => {
    expect(['success', 'warning', 'error', 'info'].map((t) => soundOf(t as 'info'))).toEqual(['success', 'warning', 'error', null]);
  });
});
