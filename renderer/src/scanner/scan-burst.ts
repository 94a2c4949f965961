/**
 * Tells a keyboard-wedge scan from typing in a text field: a scanner types a burst of keys, each
 * within a few milliseconds, and ends it with Enter; no person types four keys that fast.
 * Fed every key with the field's text before it; when Enter ends a burst it returns the text to
 * put back, so a scan never ends up in the field (a setting, an approval's reason), and `code` is
 * what was scanned.
 */
export class ScanBurst {
  private keys = 0;
  private lastAt = -Infinity;
  private before = '';
  private chars = '';
  private scannedCode = '';

  constructor(private readonly options = { maxGapMs: 50, minKeys: 4 }) {}

  key(key: string, at: number, textBefore: string): { scanned: true; restore: string } | { scanned: false } {
    const inBurst = at - this.lastAt <= this.options.maxGapMs;
    this.lastAt = at;
    if (key === 'Enter') {
      const scanned = inBurst && this.keys >= this.options.minKeys;
      this.keys = 0;
      if (scanned) this.scannedCode = this.chars;
      return scanned ? { scanned: true, restore: this.before } : { scanned: false };
    }
    if (key.length !== 1) return { scanned: false }; // Shift, arrows: neither part of nor the end of a burst
    if (!inBurst) {
      this.keys = 0;
      this.before = textBefore;
      this.chars = '';
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
