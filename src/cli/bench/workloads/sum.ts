import { consume, streaming } from '../streaming.js';

export default streaming({ name: 'sum', title: 'sum', chunk: 'sum', wasm: (e, x) => consume(e.sumSync(x)) });
