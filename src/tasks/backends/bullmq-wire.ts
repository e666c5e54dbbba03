/**
 * What one BullMQ job carries: a batch of task calls (the caller's side), and
 * the batch's outcome (the worker's return value). Both are plain JSON for
 * BullMQ; the calls and results inside are encoded by bullmq-codec so typed
 * arrays and non-finite numbers survive.
 */
import { CancelledError, ConnectionError, TimeoutError, WorkerCrashError } from '../../errors.js';
import { deserializeError, serializeError, type WireError, type WireFn } from '../worker/protocol.js';
import { decodePayload, encodePayload } from './bullmq-codec.js';

/** The BullMQ job name of a wasmpar batch (other producers may share a queue, with other names). */
export const JOB_NAME = 'wasmpar-batch';
/** The custom queue event that asks the worker running a job to abort it. */
export const CANCEL_EVENT = 'wasmpar-cancel';
/** Events kept in the queue's stream: far more than in flight, so a slow reader loses none. */
export const EVENTS_MAX_LEN = 100_000;

export interface JobData {
  /** Format version, so an old worker refuses a newer caller's jobs clearly. */
  v: 1;
  fns: WireFn[];
  /** calls[i] uses fns[fi[i]] (fns[0] when absent). */
  fi?: number[];
  /** Encoded unknown[][]. */
  calls: string;
  /** Calls in the batch (readable without decoding, for logs). */
  n: number;
  /** Per-batch limit the worker enforces by ending the task thread. */
  timeoutMs?: number;
}

/** The outcome, as the worker returns it. */
interface ResultBody {
  values: unknown[];
  /** The error thrown by call number values.length. */
  error?: WireError;
  /** The batch did not run to an outcome (crash, timeout, cancel): every call gets this error. */
  failure?: WireError;
  ms: number;
}

export interface DecodedResult {
  values: unknown[];
  hasError: boolean;
  error?: unknown;
  failure?: unknown;
  ms: number;
}

export function encodeCalls(calls: unknown[][], maxBytes: number): string {
  return encodePayload(calls, maxBytes, `the arguments of a batch of ${calls.length} task${calls.length === 1 ? '' : 's'}`);
}

export function decodeCalls(data: JobData): unknown[][] {
  if (data === null || typeof data !== 'object' || data.v !== 1 || !Array.isArray(data.fns)) {
    throw new TypeError(`not a wasmpar batch this worker understands (format ${JSON.stringify((data as { v?: unknown })?.v)})`);
  }
  return decodePayload(data.calls) as unknown[][];
}

export function encodeResult(
  r: { values: unknown[]; error?: unknown; hasError?: boolean; failure?: unknown; ms: number },
  maxBytes: number,
): string {
  const body: ResultBody = { values: r.values, ms: r.ms };
  if (r.hasError) body.error = serializeError(r.error);
  if (r.failure !== undefined) body.failure = serializeError(r.failure);
  try {
    return encodePayload(body, maxBytes, `the results of a batch of ${r.values.length} task${r.values.length === 1 ? '' : 's'}`);
  } catch (e) {
    // The results cannot travel: the first call's slot reports why.
    return encodePayload({ values: [], error: serializeError(e), ms: r.ms } satisfies ResultBody, maxBytes, 'an error');
  }
}

export function decodeResult(s: unknown): DecodedResult {
  if (typeof s !== 'string') throw new TypeError('a wasmpar job finished with a return value that is not a wasmpar result');
  const body = decodePayload(s) as ResultBody;
  const out: DecodedResult = { values: body.values, hasError: body.error !== undefined, ms: body.ms };
  if (body.error !== undefined) out.error = deserializeError(body.error);
  if (body.failure !== undefined) out.failure = wasmparClass(deserializeError(body.failure));
  return out;
}

const wasmparErrors: Record<string, new (m: string) => Error> = { WorkerCrashError, TimeoutError, CancelledError, ConnectionError };

/** A batch's failure (crash, timeout, cancel) keeps its wasmpar class across the wire, so `instanceof` holds. */
function wasmparClass(e: unknown): unknown {
  const Cls = e instanceof Error ? wasmparErrors[e.name] : undefined;
  if (!Cls) return e;
  const out = new Cls((e as Error).message);
  out.stack = (e as Error).stack;
  return out;
}
