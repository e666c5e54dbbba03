// Python:
//   from multiprocessing import Pool
//   def square(x): return x * x
//   with Pool(4) as p:
//       print(p.map(square, range(10)))
import { Pool } from '../../dist/tasks/index.js';

function square(x) {
  return x * x;
}

// `with Pool(4) as p:` — in TypeScript 5.2+ or Node 24: `await using pool = new Pool(...)`.
const pool = new Pool({ workers: 4 });
try {
  const squares = await pool.map(square, Array.from({ length: 10 }, (_, i) => i));
  console.log(`[${squares.join(', ')}]`);
} finally {
  await pool.terminate();
}
