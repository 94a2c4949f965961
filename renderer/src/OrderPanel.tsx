import { useEffect, useState } from 'react';
import type { LabelView, OrderView, StationApi } from '../../shared/api';
import { LineBarcode } from './LineBarcode';

/**
 * `showBarcodes`: training only, each line's barcode on screen to scan from the monitor.
 * `verifying`: off when the bench weighs without scanning items (then no "0 / 1" counts).
 */
export function OrderPanel({ order, showBarcodes = false, verifying = true }: { order: OrderView; showBarcodes?: boolean; verifying?: boolean }) {
  return (
    <section className="order" aria-label="Order" data-testid="order">
      <header className="order-head">
        <h2 data-testid="order-name">{order.name}</h2>
        <span className="order-meta">
          {order.origin && <>{order.origin} · </>}
          {order.shipTo.name}, {order.shipTo.city} ({order.shipTo.country})
        </span>
        {order.box && (
          <span className="box" data-testid="box">
            Box: {order.box.name}
            {order.box.dimsMm && ` · ${order.box.dimsMm.l / 10}×${order.box.dimsMm.w / 10}×${order.box.dimsMm.h / 10} cm`}
            {order.box.maxWeightG !== null && ` · max ${order.box.maxWeightG / 1000} kg`}
          </span>
        )}
        {order.cachedAt !== null && (
          <span className="cached" data-testid="cached">
            Local copy from {new Date(order.cachedAt).toLocaleTimeString()}
          </span>
        )}
      </header>
      <table className="lines">
        <thead>
          <tr>
            <th>Item</th>
            <th>SKU</th>
            <th className="num">{verifying ? 'Packed' : 'Quantity'}</th>
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
                      {line.tracking === 'serial' ? 'Serials' : 'Lots'}:{' '}
                      {line.lots.length > 0
                        ? line.lots.map((l) => (line.tracking === 'lot' && l.quantity > 1 ? `${l.name} ×${l.quantity}` : l.name)).join(', ')
                        : 'scan after each item'}
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
        <ol className="parcels" aria-label="Parcels" data-testid="parcels">
          {order.parcels.map((p) => (
            <li key={p.seq} className={p.open ? 'parcel-open' : 'parcel-closed'} data-testid="parcel">
              Parcel {p.seq}: {p.items} item{p.items === 1 ? '' : 's'}
              {p.box && ` · ${p.box}`}
              {p.weightG !== null ? ` · ${(p.weightG / 1000).toFixed(3)} kg ✓` : ' · packing now'}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

const PRINT_TEXT = {
  queued: 'Waiting for the printer',
  sent: 'Printing…',
  confirmed: 'Printed',
  failed: 'Did not print',
  uncertain: 'Did a label come out?',
} as const;

/** The label as the printer draws it, once it exists; until then the data it will carry. */
export function LabelPreview({ label, station }: { label: LabelView; station: StationApi }) {
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
    <section className="label-preview" aria-label="Label preview" data-testid="label">
      {png ? (
        <img className="label-image" src={png} alt={`Label ${label.trackingNumber}`} data-testid="label-image" />
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
            {label.trackingNumber ?? 'Waiting for the carrier…'}
          </div>
          <div className="label-foot">
            {label.reference} · {(label.weightG / 1000).toFixed(3)} kg · {label.parcelCount === 1 ? 'Parcel 1 of 1' : `${label.parcelCount} parcels`}
          </div>
        </div>
      )}
      {png && (
        <div className="label-tracking" data-testid="tracking">
          {label.trackingNumber}
        </div>
      )}
      <div className={`print-state print-${label.printState ?? 'none'}`} data-testid="print-state">
        {label.printState ? PRINT_TEXT[label.printState] : label.status === 'awaiting_label' ? 'Awaiting label' : ''}
      </div>
    </section>
  );
}
