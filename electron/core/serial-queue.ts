// One job at a time, in the order asked. A job starts when the one before it has settled, whether
// it succeeded or failed; each caller gets its own job's result or error, and a failure never
// blocks the jobs behind it. Used wherever work must not overlap: scans, the scale swap, a
// printer's turn, each outbox lane.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Jobs asked and not yet settled (the one running included). */
  get size(): number {
    return this.pending;
  }

  /** Run `job` after every job asked before it has settled. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(job).finally(() => {
      this.pending--;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every job asked so far has settled (never rejects). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
