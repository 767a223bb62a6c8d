import { CxrError, assertArgument, createRng } from '@cxr/core';
import { SELECT_POSITIONS, isSelectable } from './dataset.js';
import type { SampleDataset } from './types.js';

/** A sample's group id (e.g. patient); null / undefined / '' = unknown, the sample is then its own group. */
export type GroupId = string | number | null | undefined;

export interface GroupSplitOptions {
  /**
   * Group of each sample, aligned with `dataset.files()`, or a function of the file. Default: the
   * dataset's own `patients()` (metadataDataset).
   */
  groups?: readonly GroupId[] | ((file: string) => GroupId);
  /** Share of samples wanted in the test part, in (0, 1) (default 0.2). Reached approximately: whole groups move. */
  testSize?: number;
  /** Seed of the group order (default 0). Same seed and files → same split. */
  seed?: number;
  /** Aim for each class's share in both parts (default true), as far as whole groups allow. */
  stratify?: boolean;
}

export interface GroupSplit {
  train: SampleDataset;
  test: SampleDataset;
  /** Group ids in each part (no id is in both). */
  trainGroups: string[];
  testGroups: string[];
  /** E.g. samples without a group id, a class absent from one part. */
  warnings: string[];
  /** The achieved test share, e.g. 'test holds 20 of 98 samples (20.4 %, asked 20.0 %) from 14 of 66 groups'. */
  summary: string;
}

/**
 * Split a dataset so that no group (patient) is in both parts, like scikit-learn's
 * `GroupShuffleSplit` / `StratifiedGroupKFold`: groups are visited in a seeded random order and each
 * goes to `test` when that brings the per-class test counts (stratified) or the total (not
 * stratified) closer to `testSize × n`; the rest go to `train`. Nothing is decoded; parts keep the
 * input's order and share its decoding, caches and map steps. Samples without a group id are each
 * their own group (said in `warnings`).
 *
 * Throws E_BAD_ARGUMENT: testSize outside (0, 1), `groups` not aligned with `files()`, fewer than 2
 * groups, a dataset not made by @cxr/data.
 */
export function groupSplit(dataset: SampleDataset, options: GroupSplitOptions = {}): GroupSplit {
  const testSize = options.testSize ?? 0.2;
  assertArgument(typeof testSize === 'number' && testSize > 0 && testSize < 1, `groupSplit: testSize must be a fraction in (0, 1), got ${String(testSize)}`);
  const seed = options.seed ?? 0;
  assertArgument(Number.isFinite(seed), `groupSplit: seed must be a finite number, got ${seed}`);
  const stratify = options.stratify ?? true;
  if (!isSelectable(dataset)) throw new CxrError('E_BAD_ARGUMENT', 'groupSplit needs a dataset made by @cxr/data (imageFolder, metadataDataset, fromSources, or a view of one)');
  const files = dataset.files();
  const labels = dataset.labels();
  const numClasses = dataset.classes.length;
  const raw = resolveGroups(dataset, files, options.groups);

  const warnings: string[] = [];
  let anonymous = 0;
  const keys = raw.map((g, p) => {
    if (g === null || g === undefined || String(g).trim() === '') {
      anonymous++;
      return `\u0000file:${files[p]}#${p}`;
    }
    return String(g).trim();
  });
  if (anonymous > 0) warnings.push(`${anonymous} sample(s) have no group id; each is treated as its own group`);

  const members = new Map<string, number[]>();
  keys.forEach((k, p) => (members.get(k) ?? members.set(k, []).get(k)!).push(p));
  assertArgument(members.size >= 2, `groupSplit: ${members.size} group(s); at least 2 are needed so that both parts get one`);

  const n = labels.length;
  const classTotals = new Array<number>(numClasses).fill(0);
  for (const l of labels) classTotals[l]! += 1;
  const target = stratify ? classTotals.map((c) => testSize * c) : [testSize * n];
  const testCounts = new Array<number>(target.length).fill(0);
  const countsOf = (positions: readonly number[]): number[] => {
    const c = new Array<number>(target.length).fill(0);
    for (const p of positions) c[stratify ? (labels[p] as number) : 0]! += 1;
    return c;
  };
  const cost = (counts: readonly number[]): number => counts.reduce((s, c, i) => s + (c - (target[i] as number)) ** 2, 0);

  // Seeded order over groups sorted by id, so membership does not depend on the input's order.
  const order = createRng(seed).shuffle([...members.keys()].sort());
  const inTest = new Set<string>();
  for (const key of order) {
    const add = countsOf(members.get(key) as number[]);
    const next = testCounts.map((c, i) => c + (add[i] as number));
    if (cost(next) < cost(testCounts)) {
      inTest.add(key);
      next.forEach((c, i) => (testCounts[i] = c));
    }
  }
  if (inTest.size === 0) inTest.add(order[0] as string);
  if (inTest.size === members.size) inTest.delete(order[order.length - 1] as string);

  const testPos: number[] = [];
  const trainPos: number[] = [];
  keys.forEach((k, p) => (inTest.has(k) ? testPos : trainPos).push(p));
  const testLabels = new Array<number>(numClasses).fill(0);
  for (const p of testPos) testLabels[labels[p] as number]! += 1;
  dataset.classes.forEach((c, i) => {
    const total = classTotals[i] as number;
    const t = testLabels[i] as number;
    if (total > 0 && (t === 0 || t === total)) warnings.push(`class '${c}' (${total} samples) is only in the ${t === 0 ? 'train' : 'test'} part: its groups could not be shared out`);
  });
  const summary = `test holds ${testPos.length} of ${n} samples (${((100 * testPos.length) / n).toFixed(1)} %, asked ${(100 * testSize).toFixed(1)} %) from ${inTest.size} of ${members.size} groups`;
  const shown = (k: string): string => (k.startsWith('\u0000file:') ? `(no id: ${k.slice(6).replace(/#\d+$/, '')})` : k);
  return {
    train: dataset[SELECT_POSITIONS](trainPos),
    test: dataset[SELECT_POSITIONS](testPos),
    trainGroups: [...members.keys()].filter((k) => !inTest.has(k)).map(shown),
    testGroups: [...inTest].map(shown),
    warnings,
    summary,
  };
}

function resolveGroups(dataset: SampleDataset, files: readonly string[], groups: GroupSplitOptions['groups']): GroupId[] {
  if (typeof groups === 'function') return files.map((f) => groups(f));
  if (groups !== undefined) {
    assertArgument(Array.isArray(groups) && groups.length === files.length, `groupSplit: groups must have one entry per sample (${files.length}, aligned with files()), got ${Array.isArray(groups) ? groups.length : typeof groups}`);
    return [...groups];
  }
  const own = (dataset as { patients?: () => GroupId[] }).patients;
  assertArgument(typeof own === 'function', 'groupSplit: pass groups (one id per sample, aligned with files(), or a function of the file); this dataset has no patients()');
  return own.call(dataset);
}
