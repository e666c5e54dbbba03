/**
 * A contender in another process (the C server, the Python server): one request
 * line in, one reply line out, in order. The process stays up for the whole
 * run, so a round costs one round trip on a pipe, not a process start.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EnvironmentError } from '../../errors.js';
import type { Runner } from './runner.js';

export class RemoteServer {
  #child: ChildProcessWithoutNullStreams;
  #waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  #stderr = '';
  #exited: Error | null = null;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.#child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.#child.stdout }).on('line', (line) => this.#waiting.shift()?.resolve(line));
    this.#child.stderr.on('data', (d: Buffer) => { this.#stderr = (this.#stderr + d.toString()).slice(-2000); });
    const fail = (err: Error) => {
      this.#exited = err;
      for (const w of this.#waiting.splice(0)) w.reject(err);
    };
    this.#child.on('error', fail);
    this.#child.on('exit', (code, signal) => fail(new EnvironmentError(`${command} exited (${code ?? signal}): ${this.#stderr.trim().split('\n').pop() ?? ''}`)));
  }

  request(line: string): Promise<string> {
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#child.stdin.write(`${line}\n`);
    });
  }

  close(): void {
    this.#child.stdin.end();
    this.#child.kill();
  }
}

/** Sends a first zero-budget request so that "no form" and set-up errors surface at creation, as Skip. */
export async function probe(runner: Runner): Promise<Runner> {
  await runner.time(0);
  return runner;
}
