import { percentile } from './calibration';
import { MetricsError } from './errors';
import { checkLabels, checkSameLength, describe, type NumberArray } from './validate';

/** A metric of labels and scores (or predictions), e.g. `rocAucScore` or `(t, p) => accuracyScore(t, p)`. */
export type BootstrapMetric<S> = (yTrue: number[], yScore: S[]) => number;

export interface BootstrapOptions {
  /** Resamples. Default 1000. */
  n?: number;
  /** Seed of the resampling; the same seed gives the same interval. Default 0. */
  seed?: number;
  /** Confidence level of the percentile interval. Default 0.95. */
  confidence?: number;
  /**
   * Resample within each class so every resample keeps the class counts (with `groups`: within each
   * group class, a group's class being the highest label among its samples, e.g. a patient with any
   * positive image counts as positive). Default `false`.
   */
  stratified?: boolean;
  /**
   * One id per sample (e.g. patient id): resample whole groups with replacement, so images of one
   * patient are never split between "in" and "out" and the interval is not too narrow.
   */
  groups?: ArrayLike<string | number>;
}

export interface BootstrapInterval {
  /** The metric on all the data (NaN where it is undefined there, e.g. ROC AUC with one class). */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  /** Resamples asked for. */
  n: number;
  /** Resamples the metric had a value for (the interval is their percentile range). */
  valid: number;
  /**
   * Resamples skipped because the metric was undefined on them (NaN, or an `E_UNDEFINED_METRIC` such
   * as ROC AUC of a resample with one class only). Many skips mean the interval is unreliable.
   */
  skipped: number;
  /** Standard deviation of the valid resamples' values (the bootstrap standard error). */
  standardError: number;
}

/**
 * Bootstrap percentile confidence interval of a metric: resample samples (or, with `groups`, whole
 * patients) with replacement `n` times, score each resample, take the `(1 ± confidence) / 2`
 * percentiles (numpy's linear interpolation). Deterministic for a seed.
 */
export function bootstrapCi<S>(
  metric: BootstrapMetric<S>,
  yTrue: NumberArray,
  yScore: ArrayLike<S>,
  options: BootstrapOptions = {},
): BootstrapInterval {
  if (typeof metric !== 'function') {
    throw new MetricsError('E_BAD_ARGUMENT', `metric must be a function (yTrue, yScore) => number, got ${describe(metric)}.`);
  }
  const t = Array.from(checkLabels(yTrue, 'yTrue'));
  const scores = Array.from(yScore);
  checkSameLength(t, scores as unknown as NumberArray, 'yTrue', 'yScore');
  const n = options.n ?? 1000;
  if (!Number.isInteger(n) || n < 1) throw new MetricsError('E_BAD_ARGUMENT', `n must be a positive integer, got ${describe(n)}.`);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new MetricsError('E_BAD_ARGUMENT', `confidence must be between 0 and 1 (e.g. 0.95), got ${describe(confidence)}.`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new MetricsError('E_BAD_ARGUMENT', `seed must be a finite number, got ${describe(seed)}.`);

  const units = resamplingUnits(t, options.groups);
  const strata = options.stratified ? stratify(units, t) : [units.map((_, u) => u)];
  const estimate = scoreOrSkip(metric, t, scores);
  const random = sfc32(seed);
  const values: number[] = [];
  let skipped = 0;
  for (let r = 0; r < n; r++) {
    const indices: number[] = [];
    for (const stratum of strata) {
      for (let k = 0; k < stratum.length; k++) {
        const unit = units[stratum[Math.floor(random() * stratum.length)]!]!;
        for (const i of unit) indices.push(i);
      }
    }
    const value = scoreOrSkip(metric, indices.map((i) => t[i]!), indices.map((i) => scores[i]!));
    if (Number.isNaN(value)) skipped++;
    else values.push(value);
  }
  if (values.length === 0) {
    throw new MetricsError('E_UNDEFINED_METRIC', `the metric was undefined on all ${n} resamples: too few samples of some class to bootstrap it.`);
  }
  values.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return {
    estimate,
    lower: percentile(values, alpha * 100),
    upper: percentile(values, (1 - alpha) * 100),
    confidence,
    n,
    valid: values.length,
    skipped,
    standardError: Math.sqrt(variance),
  };
}

function scoreOrSkip<S>(metric: BootstrapMetric<S>, t: number[], s: S[]): number {
  try {
    return metric(t, s);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'E_UNDEFINED_METRIC') return Number.NaN;
    throw error;
  }
}

/** The sample indices of each resampling unit: one unit per sample, or one per group (first-seen order). */
function resamplingUnits(t: readonly number[], groups: ArrayLike<string | number> | undefined): number[][] {
  if (groups === undefined) return t.map((_, i) => [i]);
  if (groups === null || typeof groups !== 'object' || typeof groups.length !== 'number') {
    throw new MetricsError('E_BAD_ARGUMENT', `groups must be an array with one id per sample, got ${describe(groups)}.`);
  }
  checkSameLength(t, groups as unknown as NumberArray, 'yTrue', 'groups');
  const byId = new Map<string | number, number[]>();
  for (let i = 0; i < t.length; i++) {
    const id = groups[i]!;
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new MetricsError('E_BAD_ARGUMENT', `groups[${i}] is ${describe(id)}: group ids must be strings or numbers.`);
    }
    const unit = byId.get(id);
    if (unit) unit.push(i);
    else byId.set(id, [i]);
  }
  return [...byId.values()];
}

/** Units by class (a unit's class is its highest label), classes ascending. */
function stratify(units: readonly number[][], t: readonly number[]): number[][] {
  const byClass = new Map<number, number[]>();
  units.forEach((unit, u) => {
    const label = Math.max(...unit.map((i) => t[i]!));
    const stratum = byClass.get(label);
    if (stratum) stratum.push(u);
    else byClass.set(label, [u]);
  });
  return [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, stratum]) => stratum);
}

/** sfc32 seeded through splitmix32, the generator of `@cxr/core`'s `createRng` (metrics cannot import core: it pulls in tfjs). */
function sfc32(seed: number): () => number {
  let s = Math.floor(seed) >>> 0;
  const init = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = (): number => {
    const r = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + r) >>> 0;
    return r;
  };
  for (let i = 0; i < 12; i++) next();
  return () => next() / 4294967296;
}
