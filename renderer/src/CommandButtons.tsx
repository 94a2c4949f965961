// The bench commands as large buttons, where each applies: the same core command as scanning its
// barcode on the command sheet, so a newcomer without the sheet is never stuck.
import type { BenchCommand } from '../../shared/bench-commands';
import type { StationState } from '../../shared/api';
import { commandsFor } from './station/commands-for';
import { useWords } from './station/i18n';

// Each command's name on screen is `commands.<COMMAND>` (the list is shared/bench-commands.ts).
// i18n-keys: commands.PRINT commands.PRINTED commands.REPRINT commands.REPRINT-DAMAGED commands.REPRINT-JAMMED
// i18n-keys: commands.REPRINT-LOST commands.NEW-PARCEL commands.CLOSE-ORDER commands.CANCEL commands.UNDO commands.LOGOUT

export function CommandButtons({ state, onCommand }: { state: StationState; onCommand: (command: BenchCommand) => void }) {
  const { t } = useWords();
  const shown = commandsFor(state);
  if (shown.length === 0) return null;
  return (
    <nav className="command-buttons" aria-label={t('commands.aria')} data-testid="command-buttons">
      {shown.map((command) => (
        <button
          key={command}
          type="button"
          className={`command-button command-${command.toLowerCase()}`}
          data-testid={`command-${command}`}
          onClick={() => onCommand(command)}
        >
          {t(`commands.${command}`)}
        </button>
      ))}
    </nav>
  );
}
