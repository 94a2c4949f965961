// The bench commands as large buttons, where each applies: the same core command as scanning its
// barcode on the command sheet, so a newcomer without the sheet is never stuck.
import { COMMAND_NAMES, REPRINT_REASONS, type BenchCommand } from '../../shared/bench-commands';
import type { StationState } from '../../shared/api';

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

export function CommandButtons({ state, onCommand }: { state: StationState; onCommand: (command: BenchCommand) => void }) {
  const shown = commandsFor(state);
  if (shown.length === 0) return null;
  return (
    <nav className="command-buttons" aria-label="Bench commands" data-testid="command-buttons">
      {shown.map((command) => (
        <button
          key={command}
          type="button"
          className={`command-button command-${command.toLowerCase()}`}
          data-testid={`command-${command}`}
          onClick={() => onCommand(command)}
        >
          {COMMAND_NAMES[command]}
        </button>
      ))}
    </nav>
  );
}
