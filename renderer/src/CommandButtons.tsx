// The bench commands as large buttons, where each applies: the same core command as scanning its
// barcode on the command sheet, so a newcomer without the sheet is never stuck.
import { COMMAND_NAMES, type BenchCommand } from '../../shared/bench-commands';
import type { StationState } from '../../shared/api';
import { commandsFor } from './station/commands-for';

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
