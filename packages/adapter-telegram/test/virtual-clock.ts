import type { Clock } from '../src/limiter';

/** A virtual clock: sleeps resolve when the test advances time past them. */
export function virtualClock() {
  let time = 0;
  const sleepers: { until: number; resolve: () => void }[] = [];
  const clock: Clock = {
    now: () => time,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        sleepers.push({ until: time + ms, resolve });
      }),
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    clock,
    async advance(ms: number) {
      const target = time + ms;
      for (;;) {
        await settle();
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers[0];
        if (next === undefined || next.until > target) break;
        sleepers.shift();
        time = next.until;
        next.resolve();
      }
      time = target;
      await settle();
    },
  };
}
