import { consume, streaming } from '../streaming.js';

export default streaming({ name: 'dot', title: 'dot(x, y)', chunk: 'dot', wasm: (e, x, y) => consume(e.dotSync(x, y)) });
