// What the packer is told when a print job cannot be answered because of the state it is in.
import type { Translate } from '../../../../shared/i18n';
import type { PrintJobState } from '../../store/print-jobs';

export function stateMessage(t: Translate, state: PrintJobState): string {
  switch (state) {
    case 'confirmed':
      return t('pack.command.alreadyPrinted');
    case 'sent':
      return t('printer.job.printingNow');
    case 'uncertain':
      return t('printer.job.mayHavePrinted');
    default:
      // i18n-keys: printer.job.state.queued printer.job.state.failed
      return t('printer.job.already', { state: t(`printer.job.state.${state}`) });
  }
}
