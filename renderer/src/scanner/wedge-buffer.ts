// A keyboard-wedge scanner types a code as a fast burst of keys ending in Enter. Collecting those
// keys globally (not in a focused field) means a stray click can never swallow a scan.

export interface WedgeOptions {
  /**
   * A gap longer than this between keys starts a new code, dropping a keystroke left over from
   * before. Generous on purpose: a busy machine can stall a burst for a few hundred ms, and
   * cutting a scan in two is worse than keeping a stray key (the bench then says it does not know
   * the code and the packer scans again).
   */
  maxGapMs: number;
  minLength: number;
  /**
   * A code counts as scanned (not typed by hand) when its keys came this close together, at the
   * median: one stall does not make a scan typed, and no person keeps up this pace.
   */
  scanGapMs?: number;
}

export class WedgeBuffer {
  private chars = '';
  private lastAt = -Infinity;
  private gaps: number[] = [];
  private lastScanned = false;

  constructor(private readonly options: WedgeOptions = { maxGapMs: 400, minLength: 1 }) {}

  /** Feed one key; returns a complete code when Enter ends a burst. */
  key(key: string, at: number): string | null {
    const gap = at - this.lastAt;
    if (gap > this.options.maxGapMs) {
      this.chars = '';
      this.gaps = [];
    } else if (this.chars.length > 0 && (key === 'Enter' || key.length === 1)) {
      this.gaps.push(gap);
    }
    this.lastAt = at;
    if (key === 'Enter') {
      const code = this.chars;
      const sorted = [...this.gaps].sort((a, b) => a - b);
      const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)]! : Infinity;
      this.lastScanned = median <= (this.options.scanGapMs ?? 50);
      this.chars = '';
      this.gaps = [];
      return code.length >= this.options.minLength ? code : null;
    }
    if (key.length === 1) this.chars += key;
    return null;
  }

  get pending(): boolean {
    return this.chars.length > 0;
  }

  /** Whether the code `key` returned last came at scanner speed, not typed by hand. */
  get scanned(): boolean {
    return this.lastScanned;
  }
}
