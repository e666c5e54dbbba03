import { streaming } from '../streaming.js';

export default streaming({
  name: 'map-exp', title: "map('exp') over [-10, 10)", chunk: 'exp', wasm: (e, x, y) => e.mapSync('exp', x, { out: y }),
  notes: 'native uses glibc libmvec (vectorized exp) through `omp simd`; numexpr uses its own vectorized exp on every thread.',
});
