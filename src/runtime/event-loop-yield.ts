/**
 * A way to let the event loop run between an async op's slices of caller work
 * (dispatcher.ts), on every host.
 */
// Browsers have no setImmediate, and clamp nested setTimeout(0) to 4 ms, which
// would idle the caller half the time; a MessageChannel task runs at once.
export const yieldToEventLoop: () => Promise<void> = typeof setImmediate === 'function'
  ? () => new Promise((resolve) => setImmediate(resolve))
  : typeof MessageChannel === 'function' ? messageChannelYield() : () => new Promise((resolve) => setTimeout(resolve, 0));

function messageChannelYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise<void>((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });
}
