/**
 * setTimeout's longest delay is 2^31 - 1 ms (about 24.8 days): Node fires a longer
 * one after 1 ms (with a TimeoutOverflowWarning), so `result({ timeout: Infinity })`
 * would time out at once. A delay past that bound, or not finite, means "no timeout".
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer calling `fn` after `ms`, or none when `ms` is undefined or beyond what a timer can wait. */
export function timerFor(ms: number | undefined, fn: () => void): ReturnType<typeof setTimeout> | undefined {
  if (ms === undefined || !(ms <= MAX_TIMER_MS)) return undefined;
  return setTimeout(fn, ms);
}
