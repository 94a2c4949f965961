// After a printer fault the bench asks the printer again every few seconds until it is ready, so
// the packer sees the printer's own word (paper out, head open…) change without touching anything,
// and is told when PRINT will work. It only asks: a label is never printed again from here.
import type { PrinterStatus } from './host-status';

export interface PrinterRecheckOptions {
  /** Pause between two questions. */
  everyMs: number;
  /** Ask the printer (publishing what it says); null when it cannot be asked. */
  ask: (uri: string) => Promise<PrinterStatus | null>;
  /** The printer at `uri` said it is ready. */
  onReady: (uri: string) => void;
}

export class PrinterRecheck {
  private readonly timers = new Map<string, NodeJS.Timeout | null>();
  private stopped = false;

  constructor(private readonly opts: PrinterRecheckOptions) {}

  /** Start asking the printer at `uri` again (once per printer, however many faults are reported). */
  watch(uri: string): void {
    if (this.stopped || this.timers.has(uri)) return;
    this.schedule(uri);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) if (timer) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(uri: string): void {
    this.timers.set(
      uri,
      setTimeout(() => void this.check(uri), this.opts.everyMs),
    );
  }

  private async check(uri: string): Promise<void> {
    this.timers.set(uri, null); // asking now; a fault reported meanwhile must not start a second loop
    let status: PrinterStatus | null;
    try {
      status = await this.opts.ask(uri);
    } catch {
      status = { status: 'error', message: null, host: null };
    }
    if (this.stopped) return;
    if (status === null) {
      this.timers.delete(uri); // cannot be asked: nothing to watch
      return;
    }
    if (status.status === 'ready') {
      this.timers.delete(uri);
      this.opts.onReady(uri);
      return;
    }
    this.schedule(uri);
  }
}
