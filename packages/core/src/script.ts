import { isCxrError } from './errors.js';

/**
 * A non-negative number flag, from the string `node:util` `parseArgs` gives: `undefined` when the
 * flag is absent, else the number; anything else (not a number, negative, or a fraction where
 * `integer`) is an `Error` that names the flag and ends with `usage`.
 */
export function numberFlag(name: string, raw: string | undefined, integer: boolean, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got "${raw}"\n\n${usage}`);
  }
  return value;
}

export interface RunMainHooks {
  /** Where the failure is printed (default `console.error`). */
  error?: (message: unknown) => void;
  /** How the process ends on failure (default `process.exit`). */
  exit?: (code: number) => void;
}

/**
 * Run a script's async `main`. On failure print a `CxrError` as `error CODE: message` (anything
 * else as it is) and exit with code 1 — exiting, not just setting the code, so worker pools
 * (threaded wasm) cannot keep a failed script alive.
 */
export function runMain(main: () => Promise<void>, hooks: RunMainHooks = {}): Promise<void> {
  const error = hooks.error ?? ((message: unknown) => console.error(message));
  const exit = hooks.exit ?? ((code: number) => process.exit(code));
  return main().catch((failure: unknown) => {
    if (isCxrError(failure)) error(`error ${failure.code}: ${failure.message}`);
    else error(failure);
    exit(1);
  });
}
