// One lane per outbox target: a loop that runs the target's turn, then sleeps until the turn says
// (or until kicked), and a queue so that turns of one target never overlap (a row must not be looked
// up while it is being applied). Lanes of different targets run side by side, so a target that hangs
// never holds back another's rows.
import { SerialQueue } from '../serial-queue';

interface Lane {
  queue: SerialQueue;
  loop: Promise<void> | null;
  wake: (() => void) | null;
  kicked: boolean;
}

export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  private running = false;

  /** `turn` runs one pass of a target and says how long to sleep before the next. */
  constructor(private readonly turn: (target: string) => Promise<number>) {}

  /** Run `fn` in the target's lane, after whatever runs there now. */
  run<T>(target: string, fn: () => Promise<T>): Promise<T> {
    return this.lane(target).queue.run(fn);
  }

  /** Start a loop for each target (and for targets added later, see `add`). */
  start(targets: Iterable<string>): void {
    if (this.running) return;
    this.running = true;
    for (const target of targets) this.add(target);
  }

  /** A target registered after start gets its loop at once. */
  add(target: string): void {
    if (!this.running) return;
    const lane = this.lane(target);
    if (lane.loop) return;
    lane.loop = this.loop(target, lane).finally(() => {
      lane.loop = null;
    });
  }

  /** Something new may be due: every lane runs now instead of at the end of its sleep. */
  kick(): void {
    for (const lane of this.lanes.values()) {
      if (lane.wake) lane.wake();
      else lane.kicked = true;
    }
  }

  /** Stop the loops; resolves once the turns under way have finished. */
  async stop(): Promise<void> {
    this.running = false;
    for (const lane of this.lanes.values()) lane.wake?.();
    await Promise.all([...this.lanes.values()].map((lane) => lane.loop));
  }

  private async loop(target: string, lane: Lane): Promise<void> {
    while (this.running) {
      const delay = await this.run(target, () => this.turn(target));
      if (!this.running) break;
      await this.sleep(lane, delay);
    }
  }

  private sleep(lane: Lane, ms: number): Promise<void> {
    if (lane.kicked) {
      lane.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        lane.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      lane.wake = done;
    });
  }

  private lane(target: string): Lane {
    let lane = this.lanes.get(target);
    if (!lane) {
      lane = { queue: new SerialQueue(), loop: null, wake: null, kicked: false };
      this.lanes.set(target, lane);
    }
    return lane;
  }
}
