/** joblib's progress lines (`Parallel.print_progress`), same wording and number formats. */

export type LogFn = (line: string) => void;

export function shortFormatTime(t: number): string {
  return t > 60 ? `${(t / 60).toFixed(1).padStart(4)}min` : ` ${t.toFixed(1).padStart(5)}s`;
}

const pad3 = (n: number) => String(n).padStart(3);

/** joblib's `_verbosity_filter`: fewer lines as the count grows, unless verbose > 10. */
export function verbosityFilter(index: number, verbose: number): boolean {
  if (!verbose) return true;
  if (verbose > 10) return false;
  if (index === 0) return false;
  const v = 0.5 * (11 - verbose) ** 2;
  return Math.floor(Math.sqrt((index + 1) / v)) === Math.floor(Math.sqrt(index / v));
}

export class Progress {
  readonly #start = performance.now();
  constructor(
    readonly label: string,
    readonly verbose: number,
    readonly log: LogFn | undefined,
  ) {}

  print(msg: string): void {
    if (!this.verbose) return;
    const line = `[${this.label}]: ${msg}`;
    if (this.log) this.log(line);
    // joblib: stderr below 50, stdout from 50.
    else if (this.verbose < 50) process.stderr.write(line + '\n');
    else process.stdout.write(line + '\n');
  }

  /**
   * Called after each batch completes. `exhausted`: the input has been fully read,
   * so the total is known; `preDispatch`: tasks dispatched up front.
   */
  update(s: { completed: number; dispatchedTasks: number; dispatchedBatches: number; exhausted: boolean; finished: boolean; preDispatch: number }): void {
    if (!this.verbose) return;
    const elapsed = (performance.now() - this.#start) / 1000;
    if (s.finished) {
      this.print(`Done ${pad3(s.completed)} out of ${pad3(s.completed)} | elapsed: ${shortFormatTime(elapsed)} finished`);
      return;
    }
    if (!s.exhausted) {
      if (verbosityFilter(s.dispatchedBatches, this.verbose)) return;
      this.print(`Done ${pad3(s.completed)} tasks      | elapsed: ${shortFormatTime(elapsed)}`);
      return;
    }
    const index = s.completed;
    const total = s.dispatchedTasks;
    if (index !== 0) {
      const cursor = total - index + 1 - s.preDispatch;
      const frequency = Math.floor(total / this.verbose) + 1;
      const isLast = index + 1 === total;
      if (isLast || cursor % frequency) return;
    }
    const remaining = index ? (elapsed / index) * (total - index) : 0;
    this.print(
      `Done ${pad3(index)} out of ${pad3(total)} | elapsed: ${shortFormatTime(elapsed)} remaining: ${shortFormatTime(remaining)}`,
    );
  }
}
