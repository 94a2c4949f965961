// The label "Test print" in Settings sends: the bench's name, the time and a barcode to scan.
import { escapeFieldData } from './zpl-shipping-label';

export function testLabelZpl(bench: string, at: Date): string {
  const stamp = at.toISOString().replace('T', ' ').slice(0, 16);
  return [
    '^XA^CI28^PW812^LL400',
    '^FO40,40^A0N,60,60^FDPackbench test print^FS',
    `^FO40,120^A0N,36,36^FH^FD${escapeFieldData(bench)}^FS`,
    `^FO40,170^A0N,30,30^FD${stamp} UTC^FS`,
    '^FO40,230^BY3^BCN,100,Y,N,N^FDPACKBENCH-TEST^FS',
    '^XZ',
  ].join('\n');
}
