/**
 * Task arguments and results as they travel through Redis: JSON, plus what
 * JSON loses and numeric code needs — typed arrays (base64 of their bytes, a
 * third of the size of their numbers as text), NaN/±Infinity/-0, undefined,
 * BigInt, Date, Map and Set. Tagged values are objects whose only marker key
 * is TAG; a user object that itself has that key is refused rather than
 * silently misread on the other side.
 *
 * Both sides are assumed little-endian (every platform Node.js runs on).
 */

const TAG = '$wasmpar';

/** The default cap on one encoded batch (arguments or results), in bytes. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

type TypedArrayCtor = new (buffer: ArrayBuffer, byteOffset?: number, length?: number) => ArrayBufferView;

const typedArrays: Record<string, TypedArrayCtor> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
};

function bytesOf(v: ArrayBufferView | ArrayBuffer): string {
  const buf = v instanceof ArrayBuffer ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return buf.toString('base64');
}

/** A fresh, aligned ArrayBuffer holding the decoded bytes (Buffer's pool slices are not 8-byte aligned). */
function bufferOf(b64: string): ArrayBuffer {
  const src = Buffer.from(b64, 'base64');
  const out = new ArrayBuffer(src.length);
  new Uint8Array(out).set(src);
  return out;
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  // `this[key]` is the value before toJSON (Date.prototype.toJSON would hide the Date).
  const raw = (this as Record<string, unknown>)[key];
  switch (typeof raw) {
    case 'number':
      if (Number.isFinite(raw) && !Object.is(raw, -0)) return raw;
      return { [TAG]: 'n', v: Object.is(raw, -0) ? '-0' : String(raw) };
    case 'undefined':
      return { [TAG]: 'u' };
    case 'bigint':
      return { [TAG]: 'bi', v: raw.toString() };
    case 'function':
    case 'symbol':
      throw new TypeError(`a ${typeof raw} cannot be sent through Redis${key ? ` (at key '${key}')` : ''}`);
    case 'object':
      if (raw === null) return null;
      if (ArrayBuffer.isView(raw)) {
        const name = raw.constructor.name;
        if (!(name in typedArrays)) throw new TypeError(`a ${name} cannot be sent through Redis`);
        return { [TAG]: 'ta', t: name, d: bytesOf(raw) };
      }
      if (raw instanceof ArrayBuffer) return { [TAG]: 'ab', d: bytesOf(raw) };
      if (typeof SharedArrayBuffer !== 'undefined' && raw instanceof SharedArrayBuffer) {
        throw new TypeError('a SharedArrayBuffer cannot be sent through Redis (shared memory does not cross machines): pass a copy');
      }
      if (raw instanceof Date) return { [TAG]: 'd', v: raw.getTime() };
      if (raw instanceof Map) return { [TAG]: 'map', v: [...raw] };
      if (raw instanceof Set) return { [TAG]: 'set', v: [...raw] };
      if (Object.hasOwn(raw, TAG)) throw new TypeError(`an object with a '${TAG}' key cannot be sent through Redis (the key marks encoded values)`);
      return value;
    default:
      return value;
  }
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !Object.hasOwn(value, TAG)) return value;
  const t = value as Record<string, unknown>;
  switch (t[TAG]) {
    case 'n':
      return Number(t.v);
    case 'u':
      return undefined;
    case 'bi':
      return BigInt(t.v as string);
    case 'ta': {
      const Ctor = typedArrays[t.t as string];
      if (!Ctor) throw new TypeError(`unknown typed array type '${String(t.t)}' in a payload from Redis`);
      return new Ctor(bufferOf(t.d as string));
    }
    case 'ab':
      return bufferOf(t.d as string);
    case 'd':
      return new Date(t.v as number);
    case 'map':
      return new Map(t.v as [unknown, unknown][]);
    case 'set':
      return new Set(t.v as unknown[]);
    default:
      throw new TypeError(`unknown encoded value '${String(t[TAG])}' in a payload from Redis`);
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

/**
 * Encode `value` as a string for a job's data or result. `what` names it in
 * errors ("the arguments of a batch of 12 tasks").
 */
export function encodePayload(value: unknown, maxBytes: number, what: string): string {
  let s: string;
  try {
    s = JSON.stringify(value, replacer);
  } catch (e) {
    const msg = (e as Error).message;
    if (e instanceof TypeError && /circular/i.test(msg)) throw new TypeError(`${what} cannot be sent through Redis: they contain a cycle`);
    if (e instanceof TypeError) throw new TypeError(`${what} cannot be sent through Redis: ${msg}`);
    throw e;
  }
  // One UTF-16 unit encodes to at most 3 UTF-8 bytes: only measure exactly when it could matter.
  const bytes = s.length * 3 > maxBytes ? Buffer.byteLength(s) : s.length;
  if (bytes > maxBytes) {
    throw new RangeError(
      `${what} encode to ${formatBytes(bytes)}, over the limit of ${formatBytes(maxBytes)} (maxPayloadBytes): ` +
        'pass large data by reference (a file path or URL the workers can read) or raise maxPayloadBytes',
    );
  }
  return s;
}

export function decodePayload(s: string): unknown {
  // The reviver costs a call per value: skip it when nothing was tagged.
  return s.includes(TAG) ? JSON.parse(s, reviver) : JSON.parse(s);
}
