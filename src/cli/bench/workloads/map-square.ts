import { streaming } from '../streaming.js';

export default streaming({ name: 'map-square', title: "map('square')", chunk: 'square', wasm: (e, x, y) => e.mapSync('square', x, { out: y }) });
