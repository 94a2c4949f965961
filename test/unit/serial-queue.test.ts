// One job at a time, in the order asked: the station's scans, the scale swap, a printer's turn and
// each outbox lane all wait on this one queue rather than hand-written promise chains.
import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../electron/core/serial-queue';

/** A promise the test settles by hand, so the order of events is the test's, not the timer's. */
function gate<T = void>(): { promise: Promise<T>; open(value: T): void; fail(error: unknown): void } {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('SerialQueue', () => {
  it('starts a job only when the one before it has finished, in the order they were asked', async () => {
    const queue = new SerialQueue();
    const seen: string[] = [];
    const first = gate<string>();
    const a = queue.run(async () => {
      seen.push('a starts');
      const value = await first.promise;
      seen.push('a ends');
      return value;
    });
    const b = queue.run(() => {
      seen.push('b runs');
      return 'b';
    });
    await Promise.resolve();
    expect(seen).toEqual(['a starts']);
    expect(queue.size).toBe(2);
    first.open('a');
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(seen).toEqual(['a starts', 'a ends', 'b runs']);
    expect(queue.size).toBe(0);
  });

  it('gives a failed job its own error and still runs the next one', async () => {
    const queue = new SerialQueue();
    const broken = gate();
    const failing = queue.run(() => broken.promise);
    const next = queue.run(() => 'after');
    broken.fail(new Error('port busy'));
    await expect(failing).rejects.toThrow('port busy');
    await expect(next).resolves.toBe('after');
  });

  it('turns a job that throws at once into a rejection, not a throw from run()', async () => {
    const queue = new SerialQueue();
    const thrown = queue.run(() => {
      throw new Error('bad scan');
    });
    await expect(thrown).rejects.toThrow('bad scan');
    await expect(queue.run(() => 1)).resolves.toBe(1);
  });

  it('idle() waits for every job asked so far, whether it succeeds or fails', async () => {
    const queue = new SerialQueue();
    const slow = gate();
    const done: string[] = [];
    void queue.run(() => slow.promise).then(() => done.push('slow'));
    void queue.run(() => Promise.reject(new Error('x'))).catch(() => done.push('failed'));
    const idle = queue.idle().then(() => done.push('idle'));
    slow.open();
    await idle;
    expect(done).toEqual(['slow', 'failed', 'idle']);
    await expect(new SerialQueue().idle()).resolves.toBeUndefined();
  });
});
