// The training sandbox's idle screen: the trainee's badges and a few orders to try, each with its
// barcode to scan from the monitor, so a newcomer starts with nothing but the screen.
import type { StationState } from '../../shared/api';
import { LineBarcode } from './LineBarcode';
import { useWords } from './station/i18n';

export function TrainingStart({ training, loggedIn }: { training: NonNullable<StationState['training']>; loggedIn: boolean }) {
  const { t } = useWords();
  return (
    <section className="training-start" aria-label={t('training.title')} data-testid="training-start">
      <h2>{t('training.title')}</h2>
      {!loggedIn && (
        <>
          <p>{t('training.scanBadge')}</p>
          <ul>
            {training.badges.map((b) => (
              <li key={b.badge} data-testid="training-badge-code">
                {b.name} ({b.role === 'lead' ? t('training.lead') : t('training.packer')}) <LineBarcode code={b.badge} />
              </li>
            ))}
          </ul>
        </>
      )}
      <p>{loggedIn ? t('training.scanOrder') : t('training.thenScanOrder')}</p>
      <ul>
        {training.orders.map((name) => (
          <li key={name} data-testid="training-order">
            <LineBarcode code={name} />
          </li>
        ))}
      </ul>
    </section>
  );
}
