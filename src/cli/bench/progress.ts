/**
 * The live progress line on stderr: rewritten in place on a terminal, one line
 * per workload otherwise (logs and CI), nothing with `quiet`.
 */
export class Progress {
  #tty: boolean;
  #quiet: boolean;
  #last = '';

  constructor(stream: NodeJS.WriteStream = process.stderr, quiet = false) {
    this.#tty = !!stream.isTTY;
    this.#quiet = quiet;
  }

  /** A step inside a workload: shown only on a terminal. */
  step(text: string): void {
    if (this.#quiet || !this.#tty) return;
    const width = process.stderr.columns || 100;
    const line = text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
    if (line === this.#last) return;
    this.#last = line;
    process.stderr.write(`\r\x1b[K${line}`);
  }

  /** A line that stays (a workload done, a warning). */
  log(text: string): void {
    if (this.#quiet) return;
    process.stderr.write(this.#tty ? `\r\x1b[K${text}\n` : `${text}\n`);
    this.#last = '';
  }

  done(): void {
    if (!this.#quiet && this.#tty && this.#last) process.stderr.write('\r\x1b[K');
    this.#last = '';
  }
}
