import * as tf from '@tensorflow/tfjs-core';

export interface LeakReport {
  before: number;
  after: number;
  /** Tensors left behind per run (after − before) / runs. */
  leakedPerRun: number;
  runs: number;
}

export interface NoLeakOptions {
  /** Run `fn` this many times (default 1); a leak of even one tensor per run then shows as `runs`. */
  runs?: number;
  /**
   * Run `fn` once before counting, so lazily created state that is meant to live on (an
   * optimizer's slots, a kernel's cached constants) is not taken for a leak. Default false.
   */
  warmup?: boolean;
}

/**
 * Run `fn` (sync or async) and throw if `tf.memory().numTensors` grew: the leak gate every
 * long-running cxr API is tested with, for your own code too. Returns the counts.
 *
 *   await expectNoLeaks(() => fit(model, data, { epochs: 1 }), { warmup: true, runs: 3 });
 */
export async function expectNoLeaks(fn: () => unknown, options: NoLeakOptions = {}): Promise<LeakReport> {
  const runs = options.runs ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new TypeError(`expectNoLeaks: runs must be a positive integer, got ${runs}`);
  if (options.warmup) await fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < runs; i++) await fn();
  const after = tf.memory().numTensors;
  const report = { before, after, leakedPerRun: (after - before) / runs, runs };
  if (after !== before) {
    throw new Error(
      `Tensor leak: ${after - before} tensor(s) left after ${runs} run(s) ` +
        `(${before} → ${after}, ${report.leakedPerRun} per run). Wrap the work in tf.tidy or dispose what you create.`,
    );
  }
  return report;
}
