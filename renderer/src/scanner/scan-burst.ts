/**
 * Tells a keyboard-wedge scan from typing in a text field: a scanner types a burst of keys ending
 * with Enter, at a pace no person keeps up. Fed every key with the field's text before it; when
 * Enter ends a burst it returns the text to put back, so a scan never ends up in the field (a
 * setting, an approval's reason), and `code` is what was scanned. Judged as the bench's own wedge
 * buffer judges (wedge-buffer.ts): a burst ends after a long gap, and it is a scan when its keys
 * came scanner-fast at the median, so one stall (a busy machine holding up the first key) neither
 * cuts the scan in two nor leaves its first character in the field.
 */
export class ScanBurst {
  private keys = 0;
  private gaps: number[] = [];
  private lastAt = -Infinity;
  private before = '';
  private chars = '';
  private scannedCode = '';

  constructor(private readonly options = { maxGapMs: 400, scanGapMs: 50, minKeys: 4 }) {}

  key(key: string, at: number, textBefore: string): { scanned: true; restore: string } | { scanned: false } {
    const gap = at - this.lastAt;
    const inBurst = gap <= this.options.maxGapMs;
    if (key === 'Enter') {
      this.lastAt = at;
      if (inBurst && this.keys > 0) this.gaps.push(gap);
      const sorted = [...this.gaps].sort((a, b) => a - b);
      const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)]! : Infinity;
      const scanned = inBurst && this.keys >= this.options.minKeys && median <= this.options.scanGapMs;
      this.keys = 0;
      this.gaps = [];
      if (scanned) this.scannedCode = this.chars;
      return scanned ? { scanned: true, restore: this.before } : { scanned: false };
    }
    if (key.length !== 1) return { scanned: false }; // Shift, arrows: neither part of nor the end of a burst
    this.lastAt = at;
    if (!inBurst || this.keys === 0) {
      this.keys = 0;
      this.gaps = [];
      this.before = textBefore;
      this.chars = '';
    } else {
      this.gaps.push(gap);
    }
    this.keys++;
    this.chars += key;
    return { scanned: false };
  }

  /** The code of the last burst that ended as a scan. */
  get code(): string {
    return this.scannedCode;
  }
}
