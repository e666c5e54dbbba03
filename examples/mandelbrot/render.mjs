// Pieces of the Mandelbrot example that do not depend on the engine: the view
// and plain-JS reference (view.mjs), a single-thread run of the compiled
// module, and a PNG writer (node:zlib only).
import { deflateSync } from 'node:zlib';

export { view, escapeJs, renderJs } from './view.mjs';
import { view } from './view.mjs';

/**
 * Runs the kernel on this thread only: instantiate the module against a shared
 * memory the way every engine worker does, and call it once over all rows.
 */
export async function renderDirect(wasmBytes, width, height, maxIter, v = view(width, height)) {
  const OUT = 65536; // the engine reserves the first 64 KiB for its control block; mimic that
  const bytes = OUT + width * height * 4;
  const pages = Math.ceil(bytes / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  const abort = () => { throw new Error('kernel aborted'); };
  const { instance } = await WebAssembly.instantiate(wasmBytes, { env: { memory, abort } });
  instance.exports.mandelbrot(0, height, OUT, width, height, v.x0, v.y0, v.dx, v.dy, maxIter);
  return new Uint32Array(memory.buffer, OUT, width * height).slice();
}

const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf) {
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** RGB PNG: points in the set black, the rest coloured by a smooth-ish log ramp of the escape count. */
export function toPng(counts, width, height, maxIter) {
  const raw = Buffer.alloc(height * (1 + width * 3));
  const scale = 1 / Math.log(maxIter + 1);
  for (let y = 0, p = 0; y < height; y++) {
    raw[p++] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const n = counts[y * width + x];
      if (n >= maxIter) { p += 3; continue; }
      const t = Math.log(n + 1) * scale;
      raw[p++] = Math.round(255 * Math.min(1, 9 * (1 - t) * t * t * t));
      raw[p++] = Math.round(255 * Math.min(1, 15 * (1 - t) * (1 - t) * t * t));
      raw[p++] = Math.round(255 * Math.min(1, 8.5 * (1 - t) ** 3 * t + t * t));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
