/**
 * The worker side of the protocol, shared by the Node entry (worker.ts) and the
 * browser entry (worker-browser.ts): instantiate every module on the shared
 * memory, say ready, then loop: wait for the generation word to change, run
 * chunks of the published job, check out. Between jobs the event loop is free
 * (we sleep in waitAsync, not Atomics.wait), which is how new wasm modules
 * arrive by message. Only the transport differs between hosts.
 */
import { errorMessage, runClaimedChunks, reportJobError } from './chunk-loop.js';
import { KernelTable } from './kernel-table.js';
import {
  ARGC, ARGS_BYTE, CHECKED, CHUNK, CMD_EXIT, COMMAND, CONTROL_END, ERR_CRASH, ERR_TRAP, FLAGS, FLAG_PARTIALS, FUNC, GEN,
  INVITED, MODULE, N, NCHUNKS, PENDING, STATUS, STATUS_ALIVE, STATUS_DEAD, entered,
  type FromWorker, type ToWorker, type WorkerInit,
} from './protocol.js';

export interface WorkerHost {
  post(msg: FromWorker): void;
  /** Deliver every later message from the pool to `handler`. */
  onMessage(handler: (msg: ToWorker) => void): void;
  /**
   * Register `hook` to run if this thread ends abruptly (Node: process 'exit').
   * The hook returns true when the end was unexpected (not the EXIT command).
   */
  onAbruptEnd?(hook: () => boolean): void;
  /** The EXIT command was seen: let the thread end. */
  close(): void;
}

/** The adaptive spin never drops below this many loads (~2 µs): enough to catch back-to-back jobs. */
const MIN_SPIN = 200;

export function runWorker(init: WorkerInit, host: WorkerHost): void {
  const me = init.index;
  const table = new KernelTable(init.memory);
  const post = host.post;

  try {
    for (const { slot, module } of init.modules) table.instantiate(slot, module);
  } catch (err) {
    post({ type: 'startup-error', message: err instanceof Error ? err.message : String(err) });
    throw err;
  }

  // The control block lies below the heap and never moves, so these views stay valid
  // however much the memory grows.
  const control = new Int32Array(init.memory.buffer, 0, CONTROL_END >> 2);
  const f64 = new Float64Array(init.memory.buffer, 0, CONTROL_END >> 3);
  const args: number[] = new Array(16).fill(0);

  let seen = Atomics.load(control, GEN);
  let inJob = false;
  let exiting = false;

  /**
   * Check out of generation `gen` exactly once. The caller may race us here when it
   * finds us DEAD (see dispatcher.ts), hence CAS: whoever moves CHECKED to `gen`
   * owns the decrement. The decrement is the release that publishes this thread's
   * partials, error message and output writes to the caller's acquire-load of 0.
   */
  function checkOut(gen: number): void {
    const prev = Atomics.load(control, CHECKED + me);
    if (prev === gen || Atomics.compareExchange(control, CHECKED + me, prev, gen) !== prev) return;
    if (Atomics.sub(control, PENDING, 1) === 1) Atomics.notify(control, PENDING);
  }

  // A kernel (a JS function kernel, typically) may end this thread (process.exit()
  // on Node, self.close() in a browser). Then we must not leave the caller waiting
  // for our check-out.
  // DEAD is stored BEFORE reading GEN; the caller adds to GEN BEFORE reading
  // STATUS. With sequentially consistent atomics at least one side sees the
  // other's write, so either we check ourselves out or the caller does it for us.
  host.onAbruptEnd?.(() => {
    if (exiting) return false;
    Atomics.store(control, STATUS + me, STATUS_DEAD);
    const gen = Atomics.load(control, GEN);
    if (Atomics.load(control, INVITED + me) === gen) {
      if (inJob) reportJobError(control, ERR_CRASH, `worker ${me} exited while running a chunk`, me);
      checkOut(gen);
    }
    Atomics.notify(control, PENDING);
    return true;
  });

  // JS-function kernels need no message: each job carries its function's source
  // in shared memory (kernel-table.ts), so only wasm modules arrive this way.
  host.onMessage((msg: ToWorker) => {
    try {
      table.instantiate(msg.slot, msg.module);
      post({ type: 'loaded', slot: msg.slot });
    } catch (err) {
      post({ type: 'loaded', slot: msg.slot, error: err instanceof Error ? err.message : String(err) });
    }
  });

  function runJob(gen: number): void {
    const argc = control[ARGC]!;
    const argBase = ARGS_BYTE >> 3;
    for (let i = 0; i < argc; i++) args[i] = f64[argBase + i]!;
    inJob = true;
    try {
      runClaimedChunks(control, f64, {
        fn: table.resolve(control[MODULE]!, control[FUNC]!, args),
        args, argc,
        n: control[N]!, chunk: control[CHUNK]!, nChunks: control[NCHUNKS]!,
        partials: (control[FLAGS]! & FLAG_PARTIALS) !== 0,
      }, me);
    } catch (err) {
      reportJobError(control, ERR_TRAP, errorMessage(err), me);
    } finally {
      inJob = false;
      checkOut(gen);
    }
  }

  async function loop(): Promise<void> {
    // A replacement that started after the EXIT command was published would wait
    // for a generation that never comes: the read of GEN above is the acquire that
    // makes an EXIT published before it visible here.
    if (Atomics.load(control, COMMAND) === CMD_EXIT) {
      exiting = true;
      host.close();
      return;
    }
    const maxSpin = init.spin;
    // The spin budget adapts: halved after a spin that found no job (the gaps
    // between jobs are longer than the window, so spinning only burns a core —
    // on a loaded machine, the core the caller needs), doubled after one that did.
    let spin = maxSpin;
    for (;;) {
      let gen = Atomics.load(control, GEN);
      // Spin first: a job published within the spin window starts in ~1 µs instead
      // of the ~25 µs a futex wake costs. Then sleep without blocking the event loop.
      let i = 0;
      for (; gen === seen && i < spin; i++) gen = Atomics.load(control, GEN);
      if (gen === seen) {
        spin = Math.max(MIN_SPIN, spin >> 1);
        const r = Atomics.waitAsync(control, GEN, seen);
        if (r.async) await r.value;
        continue;
      }
      if (i > 0) spin = Math.min(maxSpin, spin * 2);
      seen = gen;
      // The Atomics.load of GEN that observed the new value is the acquire that makes
      // the descriptor (COMMAND, INVITED, ARGS, ...) written before the caller's
      // Atomics.add(GEN) visible here.
      if (control[COMMAND] === CMD_EXIT) break;
      if (Atomics.load(control, INVITED + me) !== gen) continue; // started after this job was published
      // Enter before reading the descriptor. The CAS races the caller's check-out of
      // late workers on this one word: if the caller won (CHECKED == gen), the job is
      // over for us and its descriptor may already be the next job's, so skip it;
      // if we won, the caller waits for our check-out before publishing again.
      const prev = Atomics.load(control, CHECKED + me);
      if (prev === gen || Atomics.compareExchange(control, CHECKED + me, prev, entered(gen)) !== prev) continue;
      runJob(gen);
    }
    exiting = true;
    host.close();
  }

  Atomics.store(control, STATUS + me, STATUS_ALIVE);
  post({ type: 'ready', index: me });
  void loop();
}
