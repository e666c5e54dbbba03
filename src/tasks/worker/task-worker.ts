/**
 * Task worker entry. Runs batches strictly one after another (so the caller
 * knows the oldest in-flight batch is the one running when the thread dies),
 * and answers each batch with one message.
 *
 * While idle (no batch running, nothing awaited) the thread does not go back
 * to its event loop to wait for the next 'message' event: it sleeps in
 * Atomics.wait on a counter the pool bumps after every postMessage, and pulls
 * the batch with receiveMessageOnPort. That skips the
 * event-loop wake-up and message-event dispatch, which is most of a single
 * task's round trip (piscina does the same). worker.terminate() interrupts the
 * wait, so closing, timeouts and healing are unaffected. The cost: timers or
 * I/O a task starts without awaiting do not progress while the worker is idle.
 * No spinning before the wait: measured on 2 cores, a worker spinning 50 µs
 * after each result slowed round trips by competing with the caller's thread,
 * which needs ~15 µs to answer with the next task anyway (measured again with
 * spins of 10-60 µs under load: round trips 25-60 µs against 17 µs without).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import {
  packNumbers,
  serializeError,
  type AbortMessage,
  type BatchMessage,
  type TaskWorkerData,
  type WireFn,
  type WorkerMessage,
} from './protocol.js';
import { importExport, type AnyFn } from './module-ref.js';
import { CancelledError } from '../../errors.js';
import { TASK_CONTEXT_SLOT, type TaskContext } from '../task-context.js';

const port = parentPort!;
const cache = new Map<string, AnyFn>();
/** Functions that came as source: a ReferenceError from them most likely means a captured variable. */
const fromSource = new WeakSet<AnyFn>();

function compileSource(src: string): AnyFn {
  let value: unknown;
  try {
    value = new Function(`return (${src}\n);`)();
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    // Method shorthand (`square(x) { ... }`) is not an expression on its own.
    const obj = new Function(`return ({ ${src}\n });`)() as Record<string, unknown>;
    value = Object.values(obj)[0];
  }
  if (typeof value !== 'function') throw new TypeError('task source did not evaluate to a function');
  return value as AnyFn;
}

function resolveFn(w: WireFn): AnyFn | Promise<AnyFn> {
  const key = 's' in w ? w.s : `${w.m}\0${w.n}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if ('s' in w) {
    const fn = compileSource(w.s);
    fromSource.add(fn);
    cache.set(key, fn);
    return fn;
  }
  return importExport(w.m, w.n).then((fn) => {
    cache.set(key, fn);
    return fn;
  });
}

function explainClosure(e: unknown, fn: AnyFn | undefined): unknown {
  if (!(e instanceof ReferenceError) || !fn || !fromSource.has(fn)) return e;
  const m = /^(\S+) is not defined$/.exec(e.message);
  if (!m) return e;
  const name = m[1];
  const msg =
    `${name} is not defined in task function '${fn.name || '(anonymous)'}'. Task functions are sent to ` +
    `worker threads as source text, so they must be self-contained: they cannot use variables, ` +
    `imports or functions from the scope where they were written. Pass '${name}' as an argument, ` +
    `or export the function from a module and pass { module, name } instead.`;
  const oldFirstLine = `ReferenceError: ${e.message}`;
  e.message = msg;
  if (typeof e.stack === 'string' && e.stack.startsWith(oldFirstLine)) {
    e.stack = `ReferenceError: ${msg}` + e.stack.slice(oldFirstLine.length);
  }
  return e;
}

function post(msg: WorkerMessage): void {
  try {
    port.postMessage(msg);
  } catch (e) {
    if (msg.t !== 'done') throw e;
    // A result that cannot be cloned (a function, a class instance with private state...):
    // report it as that task's error rather than killing the worker.
    const values = msg.values;
    let bad = 0;
    for (; bad < values.length; bad++) {
      try {
        structuredClone(values[bad]);
      } catch {
        break;
      }
    }
    const err = new TypeError(`a task result could not be sent back to the caller: ${(e as Error).message}`);
    port.postMessage({ t: 'done', id: msg.id, values: values.slice(0, bad), error: serializeError(err), ms: msg.ms });
  }
}

/**
 * Posts a batch's answer once the batch's console output has reached the
 * caller's thread: the caller may exit as soon as it has the result (piscina
 * does the same).
 */
function reply(msg: WorkerMessage): Promise<void> | undefined {
  const flushing = unflushedOutput();
  if (!flushing) {
    post(msg);
    return undefined;
  }
  return flushing.then(() => post(msg));
}

/**
 * The running batch's context (task-context.ts), passed as `this` to every call.
 * Its AbortController is made only when a task asks for the signal: most never do.
 */
let runningId = -1;
let lastFinished = 0;
let controller: AbortController | undefined;
const abortedEarly = new Set<number>();
const context: TaskContext = {
  get signal(): AbortSignal {
    if (!controller) {
      controller = new AbortController();
      if (abortedEarly.delete(runningId)) controller.abort(new CancelledError('the task was cancelled'));
    }
    return controller.signal;
  },
};
(globalThis as Record<symbol, unknown>)[TASK_CONTEXT_SLOT] = () => (runningId >= 0 ? context : undefined);

function onAbort(msg: AbortMessage): void {
  if (msg.id === runningId && controller) controller.abort(new CancelledError('the task was cancelled'));
  else if (msg.id === runningId || msg.id > lastFinished) abortedEarly.add(msg.id);
}

function endBatch(id: number): void {
  runningId = -1;
  lastFinished = id;
  controller = undefined;
  abortedEarly.delete(id);
}

/**
 * Runs a batch synchronously while everything it meets is synchronous (the
 * common case, and the one where a promise hop per batch would dominate a
 * round trip); returns a promise only once it has to await something.
 */
function runBatch(msg: BatchMessage): Promise<void> | undefined {
  const t0 = performance.now();
  const values: unknown[] = [];
  const fns: AnyFn[] = [];
  let fn: AnyFn | undefined;
  runningId = msg.id;
  controller = undefined;
  const fail = (e: unknown) => {
    endBatch(msg.id);
    return reply({ t: 'done', id: msg.id, values: packNumbers(values) ?? values, error: serializeError(explainClosure(e, fn)), ms: performance.now() - t0 });
  };
  const finish = () => {
    endBatch(msg.id);
    return reply({ t: 'done', id: msg.id, values: packNumbers(values) ?? values, ms: performance.now() - t0 });
  };
  const { calls, fi, unary } = msg;
  let k = 0;
  let i = 0;
  const resume = async (pending: PromiseLike<unknown>, isFn: boolean): Promise<void> => {
    try {
      const v = await pending;
      if (isFn) fns.push(v as AnyFn);
      else {
        values.push(v);
        i++;
      }
      const next = step();
      if (next) await next;
    } catch (e) {
      await fail(e);
    }
  };
  const step = (): Promise<void> | undefined => {
    try {
      for (; k < msg.fns.length; k++) {
        const f = resolveFn(msg.fns[k]!);
        if (typeof f !== 'function') {
          k++;
          return resume(f, true);
        }
        fns.push(f);
      }
      for (; i < calls.length; i++) {
        fn = (fi ? fns[fi[i]!] : fns[0])!;
        const v = unary ? fn.call(context, calls[i]) : fn.apply(context, (calls as unknown[])[i] as unknown[]);
        if (v !== null && typeof v === 'object' && typeof (v as PromiseLike<unknown>).then === 'function') {
          return resume(v as PromiseLike<unknown>, false);
        }
        values.push(v);
      }
    } catch (e) {
      return fail(e);
    }
    return finish();
  };
  return step();
}

async function start(): Promise<void> {
  const data = workerData as TaskWorkerData;
  if (data.initializer) {
    let fn: AnyFn | undefined;
    try {
      const f = resolveFn(data.initializer);
      fn = typeof f === 'function' ? f : await f;
      await fn.apply(undefined, data.initargs ?? []);
    } catch (e) {
      port.postMessage({ t: 'init-error', error: serializeError(explainClosure(e, fn)) } satisfies WorkerMessage);
      return;
    }
  }
  // Batches run strictly in arrival order; an async one holds back those behind it.
  let busy: Promise<void> | undefined;
  let pumping = false;
  const backlog: BatchMessage[] = [];
  const wake = data.wake;
  const settled = (): void => {
    busy = undefined;
    pump();
  };
  const pump = (): void => {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        while (busy === undefined && backlog.length) {
          const p = runBatch(backlog.shift()!);
          if (p) busy = p.then(settled);
        }
        if (busy !== undefined || wake === undefined) return;
        // Console output from a task is flushed by the event loop; let it run first.
        const flushing = unflushedOutput();
        if (flushing) {
          busy = flushing.then(settled);
          return;
        }
        // Read the counter before looking at the port: a post that lands in between changes it, so the wait returns at once.
        const seen = Atomics.load(wake, 0);
        const next = receiveMessageOnPort(port);
        if (next !== undefined) receive(next.message as BatchMessage | AbortMessage);
        else Atomics.wait(wake, 0, seen);
      }
    } finally {
      pumping = false;
    }
  };
  const receive = (msg: BatchMessage | AbortMessage): void => {
    if ('t' in msg) onAbort(msg);
    else backlog.push(msg);
  };
  port.on('message', (msg: BatchMessage | AbortMessage) => {
    receive(msg);
    pump();
  });
  port.postMessage({ t: 'ready' } satisfies WorkerMessage);
  pump();
}

/** A promise for the end of buffered stdout/stderr writes, or undefined if there are none. */
function unflushedOutput(): Promise<unknown> | undefined {
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) return undefined;
  return Promise.all([process.stdout, process.stderr].map((s) => new Promise((r) => s.write('', r))));
}

void start();
