/**
 * What contender factories share during one bench run: the engines, the peer
 * pools, the native and Python servers. Each is created on first use and kept
 * for the whole run (its start-up is not what is measured); a resource that
 * cannot exist here throws Skip every time it is asked for, with the same reason.
 */
import { Engine } from '../../index.js';
import { buildNative, NativeServer } from './native.js';
import { createPeer, type PeerName, type PeerPool } from './peers.js';
import { findPython, PythonServer } from './python.js';

type Lazy<T> = () => Promise<T>;

function lazy<T>(make: () => Promise<T>): Lazy<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

export interface BenchContextOptions {
  threads: number;
  quick: boolean;
}

export class BenchContext {
  readonly threads: number;
  readonly quick: boolean;
  /** Facts for the report: versions of peers, the C compile command, Python. */
  readonly facts: Record<string, string> = {};
  #closers: Array<() => unknown> = [];
  #engines = new Map<number, Lazy<Engine>>();
  #peers = new Map<PeerName, Lazy<PeerPool>>();

  constructor({ threads, quick }: BenchContextOptions) {
    this.threads = threads;
    this.quick = quick;
  }

  /** A wasmpar engine with `threads` threads (the bench's count by default). */
  engine(threads = this.threads): Promise<Engine> {
    let e = this.#engines.get(threads);
    if (!e) {
      e = lazy(async () => {
        const engine = await Engine.create({ threads });
        this.#closers.push(() => engine.dispose());
        return engine;
      });
      this.#engines.set(threads, e);
    }
    return e();
  }

  peer(name: PeerName): Promise<PeerPool> {
    let p = this.#peers.get(name);
    if (!p) {
      p = lazy(async () => {
        const pool = await createPeer(name, this.threads);
        this.facts[name] = pool.version;
        this.#closers.push(() => pool.close());
        return pool;
      });
      this.#peers.set(name, p);
    }
    return p();
  }

  readonly native: Lazy<NativeServer> = lazy(async () => {
    const build = buildNative();
    this.facts.native = `${build.compiler}: ${build.command}`;
    const server = new NativeServer(build, this.threads);
    this.#closers.push(() => server.close());
    return server;
  });

  readonly python: Lazy<PythonServer> = lazy(async () => {
    const info = findPython();
    this.facts.numpy = `${info.numpy} (${info.python})`;
    if (info.numexpr) this.facts.numexpr = info.numexpr;
    const server = new PythonServer(info, this.threads);
    this.#closers.push(() => server.close());
    return server;
  });

  async close(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) {
      try { await close(); } catch { /* closing is best effort */ }
    }
  }
}
