/**
 * Command-line argument handling shared by every `wasmpar` subcommand: a bad
 * command line is a UsageError, which main.ts prints with the usage and turns
 * into exit code 2 (as POSIX tools do), never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs in strict mode, with its errors (unknown flag, missing
 * value) rethrown as UsageError naming the command and the flags it knows.
 */
export function parseFlags<O extends Options>(command: string, argv: readonly string[], options: O, allowPositionals = false)
  : ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: boolean }>> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (err) {
    const known = Object.keys(options).map((k) => `--${k}`).join(', ');
    const why = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err);
    throw new UsageError(`wasmpar ${command}: ${why} (known flags: ${known})`);
  }
}

/** A numeric flag value: an integer in [min, max], or a UsageError naming the flag. */
export function intFlag(command: string, flag: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`wasmpar ${command}: --${flag} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}`);
  }
  return n;
}
