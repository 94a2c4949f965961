// The label on screen: the current label drawn as a PNG data URL, at the resolution it was made
// for, and drawn once (one label is on screen at a time, so only the last one is kept).
import { renderLabelPng } from './label-png';

export class LabelPreview {
  private last: { sha256: string; png: string } | null = null;

  async image(label: { zpl: string; sha256: string } | null): Promise<{ png: string | null }> {
    if (!label) return { png: null };
    if (this.last?.sha256 !== label.sha256) {
      // Its print width says which resolution the label was made for.
      const dpi = /\^PW1200\b/.test(label.zpl) ? 300 : 203;
      const png = `data:image/png;base64,${(await renderLabelPng(label.zpl, { dpi })).toString('base64')}`;
      this.last = { sha256: label.sha256, png };
    }
    return { png: this.last.png };
  }
}
