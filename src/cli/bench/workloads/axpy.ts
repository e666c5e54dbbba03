import { ALPHA, streaming } from '../streaming.js';

export default streaming({ name: 'axpy', title: 'axpy y += a·x', chunk: 'axpy', wasm: (e, x, y) => e.axpySync(ALPHA, x, y) });
