import { useEffect, useState } from 'react';
import type { LabelView, OrderView, StationApi } from '../../shared/api';
import { LineBarcode } from './LineBarcode';
import { useWords } from './station/i18n';

/** Lots as a line shows them: "L1 ×2, L2" (a serial is one unit each). */
const lotList = (lots: readonly { name: string; quantity: number }[], tracking: 'none' | 'lot' | 'serial') =>
  lots.map((l) => (tracking === 'lot' && l.quantity > 1 ? `${l.name} ×${l.quantity}` : l.name)).join(', ');

/**
 * `showBarcodes`: training only, each line's barcode on screen to scan from the monitor.
 * `verifying`: off when the bench weighs without scanning items (then no "0 / 1" counts).
 */
export function OrderPanel({ order, showBarcodes = false, verifying = true }: { order: OrderView; showBarcodes?: boolean; verifying?: boolean }) {
  const { t, number, time, kg } = useWords();
  return (
    <section className="order" aria-label={t('order.aria')} data-testid="order">
      <header className="order-head">
        <h2 data-testid="order-name">{order.name}</h2>
        <span className="order-meta">
          {order.origin && <>{order.origin} · </>}
          {order.shipTo.name}, {order.shipTo.city} ({order.shipTo.country})
        </span>
        {order.box && (
          <span className="box" data-testid="box">
            {t('order.box', { name: order.box.name })}
            {order.box.dimsMm && ` · ${number(order.box.dimsMm.l / 10)}×${number(order.box.dimsMm.w / 10)}×${number(order.box.dimsMm.h / 10)} cm`}
            {order.box.maxWeightG !== null && t('order.boxMax', { kg: number(order.box.maxWeightG / 1000) })}
          </span>
        )}
        {order.cachedAt !== null && (
          <span className="cached" data-testid="cached">
            {t('order.cached', { time: time(order.cachedAt) })}
          </span>
        )}
      </header>
      <table className="lines">
        <thead>
          <tr>
            <th>{t('order.item')}</th>
            <th>{t('order.sku')}</th>
            <th className="num">{verifying ? t('order.packed') : t('order.quantity')}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => {
            const complete = line.packed >= line.quantity;
            return (
              <tr key={line.moveId} className={complete ? 'line-done' : ''} data-testid="order-line">
                <td>
                  {line.name}
                  {line.tracking !== 'none' && (
                    <div className="lots" data-testid="line-lots">
                      {line.tracking === 'serial' ? t('order.serials') : t('order.lots')}:{' '}
                      {line.lots.length > 0 ? lotList(line.lots, line.tracking) : verifying ? t('order.scanLot') : line.reserved.length > 0 ? '' : '—'}
                      {/* What Odoo reserved: it ships when lots are not scanned; until one is, what to pick. */}
                      {line.reserved.length > 0 && line.lots.length === 0 && (
                        <span className="reserved-lots" data-testid="line-reserved">
                          {verifying
                            ? t('order.reservedHint', { lots: lotList(line.reserved, line.tracking) })
                            : t('order.reserved', { lots: lotList(line.reserved, line.tracking) })}
                        </span>
                      )}
                    </div>
                  )}
                  {showBarcodes && line.barcode && <LineBarcode code={line.barcode} />}
                </td>
                <td className="sku">{line.sku ?? '—'}</td>
                <td className="num" data-testid="line-count">
                  {verifying ? `${line.packed} / ${line.quantity} ${complete ? '✓' : ''}` : `× ${line.quantity}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {order.parcels.length > 0 && (
        <ol className="parcels" aria-label={t('order.parcels')} data-testid="parcels">
          {order.parcels.map((p) => (
            <li key={p.seq} className={p.open ? 'parcel-open' : 'parcel-closed'} data-testid="parcel">
              {t('order.parcel', { seq: p.seq, count: p.items })}
              {p.box && ` · ${p.box}`}
              {p.weightG !== null ? ` · ${kg(p.weightG)} ✓` : t('order.packingNow')}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

// i18n-keys: label.print.queued label.print.sent label.print.confirmed label.print.failed label.print.uncertain

/** The label as the printer draws it, once it exists; until then the data it will carry. */
export function LabelPreview({ label, station }: { label: LabelView; station: StationApi }) {
  const { t, kg } = useWords();
  const [png, setPng] = useState<string | null>(null);
  useEffect(() => {
    setPng(null);
    if (!label.trackingNumber) return;
    let live = true;
    void station.call('labelImage', {}).then((r) => live && r.ok && setPng(r.value.png));
    return () => {
      live = false;
    };
  }, [station, label.trackingNumber]);

  return (
    <section className="label-preview" aria-label={t('label.aria')} data-testid="label">
      {png ? (
        <img className="label-image" src={png} alt={t('label.alt', { tracking: label.trackingNumber })} data-testid="label-image" />
      ) : (
        <div className="label-sheet">
          <div className="label-carrier">
            {label.carrier} · {label.service}
          </div>
          <div className="label-to">
            {label.shipTo.map((line, i) => (
              <div key={i}>{line}</div>
            ))}
          </div>
          <div className="label-tracking" data-testid="tracking">
            {label.trackingNumber ?? t('label.waitingCarrier')}
          </div>
          <div className="label-foot">
            {label.reference} · <span data-testid="label-weight">{kg(label.weightG)}</span> ·{' '}
            {label.parcelCount === 1 ? t('label.oneParcel') : t('label.parcels', { n: label.parcelCount })}
          </div>
        </div>
      )}
      {png && (
        <>
          <div className="label-tracking" data-testid="tracking">
            {label.trackingNumber}
          </div>
          {/* The drawn label is small on screen: its weight and parcels in the bench's words. */}
          <div className="label-facts">
            <span data-testid="label-weight">{kg(label.weightG)}</span> ·{' '}
            {label.parcelCount === 1 ? t('label.oneParcel') : t('label.parcels', { n: label.parcelCount })}
          </div>
        </>
      )}
      <div className={`print-state print-${label.printState ?? 'none'}`} data-testid="print-state">
        {label.printState ? t(`label.print.${label.printState}`) : label.status === 'awaiting_label' ? t('label.awaiting') : ''}
      </div>
    </section>
  );
}
