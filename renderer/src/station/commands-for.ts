// Which bench commands the screen offers as buttons at each step (the same commands as the
// command sheet's barcodes).
import { REPRINT_REASONS, type BenchCommand } from '../../../shared/bench-commands';
import type { StationState } from '../../../shared/api';

/** The commands that make sense at this step of the order on screen. */
export function commandsFor(state: StationState): BenchCommand[] {
  if (!state.packer) return [];
  const printState = state.label?.printState ?? null;
  const byStep: Record<StationState['step'], BenchCommand[]> = {
    idle: [],
    packing: ['NEW-PARCEL', 'UNDO', 'CANCEL'],
    weighing: ['CLOSE-ORDER', 'UNDO', 'CANCEL'],
    labelling: printState === 'uncertain' ? ['PRINTED', 'PRINT'] : printState === 'failed' ? ['PRINT'] : [],
    printed: REPRINT_REASONS.map((r) => r.command),
    done: REPRINT_REASONS.map((r) => r.command),
  };
  return [...byStep[state.step], 'LOGOUT'];
}
