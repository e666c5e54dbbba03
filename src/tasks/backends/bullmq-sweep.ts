/**
 * A safety net under the event stream: results normally arrive as 'completed'
 * events, but a stream trimmed past a reader that fell far behind (a
 * suspended process) would lose some. When no event has come for a while and
 * batches are still pending, their jobs are looked up directly and the
 * finished ones are settled from what Redis holds.
 */
import type { Session } from './bullmq-session.js';

export interface SweepHooks {
  pendingIds(): string[];
  /** Date.now() of the last event received. */
  lastEventAt(): number;
  completed(id: string, returnvalue: unknown): void;
  failed(id: string, reason: string): void;
}

/** Looks every `everyMs` while the stream is quiet; returns a function that stops it. */
export function startSweep(session: Session, everyMs: number, hooks: SweepHooks): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy || Date.now() - hooks.lastEventAt() < everyMs) return;
    const ids = hooks.pendingIds().slice(0, 100);
    if (ids.length === 0) return;
    busy = true;
    void (async () => {
      for (const id of ids) {
        const job = await session.queue.getJob(id);
        if (!job?.finishedOn) continue;
        // Ours always complete with a string; a finished job without one failed for good.
        if (job.returnvalue !== null && job.returnvalue !== undefined) hooks.completed(id, job.returnvalue);
        else hooks.failed(id, job.failedReason ?? 'unknown reason');
      }
    })()
      .catch(() => {}) // Redis trouble is the loss watch's business
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
