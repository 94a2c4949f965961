// The training sandbox's idle screen: the trainee's badges and a few orders to try, each with its
// barcode to scan from the monitor, so a newcomer starts with nothing but the screen.
import type { StationState } from '../../shared/api';
import { LineBarcode } from './LineBarcode';

export function TrainingStart({ training, loggedIn }: { training: NonNullable<StationState['training']>; loggedIn: boolean }) {
  return (
    <section className="training-start" aria-label="Training: start here" data-testid="training-start">
      <h2>Training: start here</h2>
      {!loggedIn && (
        <>
          <p>1. Scan your badge:</p>
          <ul>
            {training.badges.map((b) => (
              <li key={b.badge} data-testid="training-badge-code">
                {b.name} ({b.role === 'lead' ? 'shift lead' : 'packer'}) <LineBarcode code={b.badge} />
              </li>
            ))}
          </ul>
        </>
      )}
      <p>{loggedIn ? 'Scan an order to pack:' : '2. Then scan an order to pack:'}</p>
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
