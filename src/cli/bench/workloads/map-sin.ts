import { streaming } from '../streaming.js';

export default streaming({
  name: 'map-sin', title: "map('sin') over [0, 2π)", chunk: 'sin', wasm: (e, x, y) => e.mapSync('sin', x, { out: y }),
  notes: 'native uses glibc libmvec (vectorized sin) through `omp simd`; numpy and plain-js call a scalar sin per element.',
});
