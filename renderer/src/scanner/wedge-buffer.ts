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
}

export class WedgeBuffer {
  private chars = '';
  private lastAt = -Infinity;

  constructor(private readonly options: WedgeOptions = { maxGapMs: 400, minLength: 1 }) {}

  /** Feed one key; returns a complete code when Enter ends a burst. */
  key(key: string, at: number): string | null {
    if (at - this.lastAt > this.options.maxGapMs) this.chars = '';
    this.lastAt = at;
    if (key === 'Enter') {
      const code = this.chars;
      this.chars = '';
      return code.length >= this.options.minLength ? code : null;
    }
    if (key.length === 1) this.chars += key;
    return null;
  }

  get pending(): boolean {
    return this.chars.length > 0;
  }
}
