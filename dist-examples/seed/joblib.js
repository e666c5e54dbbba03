// Python (joblib):
//   from joblib import Parallel, delayed
//
//   def square(x):
//       return x * x
//
//   print(Parallel(n_jobs=4)(delayed(square)(i) for i in range(10)))
import { delayed, parallel } from 'wasmpar';
function square(x) {
    return x * x;
}
const range = (n) => Array.from({ length: n }, (_, i) => i);
const results = await parallel({ nJobs: 4 })(range(10).map((i) => delayed(square)(i)));
console.log(`[${results.join(', ')}]`);
