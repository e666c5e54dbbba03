// Python (multiprocessing):
//   from multiprocessing import Pool
//
//   def square(x):
//       return x * x
//
//   with Pool(4) as p:
//       print(p.map(square, range(10)))
import { Pool } from 'wasmpar';

// Sent to the workers as source text, so it must be self-contained (no captured variables).
function square(x: number): number {
  return x * x;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// `with Pool(4) as p:` — leaving the block terminates the pool, as in Python.
await using pool = new Pool({ workers: 4 });
const squares = await pool.map(square, range(10));
console.log(`[${squares.join(', ')}]`);
