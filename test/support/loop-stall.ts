// How long the event loop was held up: a 5 ms timer's worst lateness between start and stop.
// (A scale or a socket waiting behind a blocked loop sees the same delay.)
export function watchLoopStall(): { stop(): number } {
  const everyMs = 5;
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - everyMs);
    last = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      worst = Math.max(worst, performance.now() - last - everyMs);
      return Math.round(worst);
    },
  };
}
