// An item's barcode drawn on screen (training only), so a trainee can scan it from the monitor:
// EAN-13 when it is one, else Code 128; bwip-js's browser build draws it as SVG.
import { useMemo } from 'react';
import { toSVG } from 'bwip-js/browser';
import { useWords } from './station/i18n';

export function LineBarcode({ code }: { code: string }) {
  const { t } = useWords();
  const svg = useMemo(() => {
    try {
      const ean = /^\d{13}$/.test(code);
      return toSVG({ bcid: ean ? 'ean13' : 'code128', text: code, height: 9, scale: 2, includetext: false });
    } catch {
      return null; // not encodable: the text below is still there to type
    }
  }, [code]);
  return (
    <span className="line-barcode" data-testid="line-barcode">
      {svg && <img src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`} alt={t('barcode.alt', { code })} height={40} />}
      <span className="line-barcode-text">{code}</span>
    </span>
  );
}
