import { assertArgument, isCxrError } from '@cxr/core';
import { mapLimit } from '../map-limit.js';
import type { SampleDataset, SkippedFile } from '../types.js';
import { dHash, hammingDistance, hashToHex } from './dhash.js';

export interface LeakageReportOptions {
  /** Group (patient) of a file; default: each dataset's own `patients()` (metadataDataset and its split parts). */
  groupOf?: ((file: string) => string | number | null | undefined) | ReadonlyMap<string, string>;
  /** dHash side: 16 → 256 bits (default), 8 → 64 bits. */
  hashSize?: number;
  /**
   * Near-duplicate when the Hamming distance is ≤ this (default 20 for 256 bits, i.e. 5/64 of the
   * bits; scaled for other sizes). 64-bit hashes are too coarse for X-rays: unrelated images come 2–3 bits apart.
   */
  threshold?: number;
  /** Images hashed in parallel (default 8). */
  concurrency?: number;
  /** Skip hashing (patients and shared files only). */
  images?: boolean;
  /** Images with more pixels than this are not hashed and are listed in `skipped` (default: `decodeImage`'s 100 megapixels). */
  maxPixels?: number;
}

export interface LeakageReport {
  /** Groups with samples in both datasets, with those samples. */
  sharedGroups: { group: string; a: string[]; b: string[] }[];
  /** The same file path in both. */
  sharedFiles: string[];
  /** Image pairs across the datasets within `threshold` bits, closest first. */
  nearDuplicates: { a: string; b: string; distance: number; groupA: string | null; groupB: string | null }[];
  hashBits: number;
  threshold: number;
  /** Distinct files hashed (0 with `images: false`). */
  hashed: number;
  /**
   * Files that could not be hashed (truncated, undecodable, too large, gone), with code and reason.
   * They are left out of the near-duplicate search, not fatal: a skip-mode dataset lists such files
   * in `files()` until a pass has found them out.
   */
  skipped: SkippedFile[];
  /** Samples per side whose group is unknown (they cannot be checked for patient overlap). */
  ungrouped: { a: number; b: number };
  /** A one-paragraph summary. */
  summary: string;
}

/**
 * What two splits share: groups (patients), identical files, and near-duplicate images (dHash
 * Hamming distance ≤ threshold). Reads files(); hashes every image once (sharp).
 */
export async function leakageReport(a: SampleDataset, b: SampleDataset, options: LeakageReportOptions = {}): Promise<LeakageReport> {
  const hashSize = options.hashSize ?? 16;
  const bits = hashSize * hashSize;
  const threshold = options.threshold ?? Math.round((20 * bits) / 256);
  assertArgument(Number.isInteger(threshold) && threshold >= 0, `leakageReport: threshold must be an integer >= 0, got ${String(threshold)}`);
  const filesA = a.files();
  const filesB = b.files();
  const groupsA = groupsFor(a, filesA, options.groupOf);
  const groupsB = groupsFor(b, filesB, options.groupOf);

  const byGroupA = collect(filesA, groupsA);
  const byGroupB = collect(filesB, groupsB);
  const sharedGroups = [...byGroupA.keys()]
    .filter((g) => byGroupB.has(g))
    .sort()
    .map((group) => ({ group, a: byGroupA.get(group) as string[], b: byGroupB.get(group) as string[] }));
  const setB = new Set(filesB);
  const sharedFiles = [...new Set(filesA.filter((f) => setB.has(f)))];

  const nearDuplicates: LeakageReport['nearDuplicates'] = [];
  const skipped: SkippedFile[] = [];
  let hashed = 0;
  if (options.images ?? true) {
    const unique = [...new Set([...filesA, ...filesB])];
    const hashes = await mapLimit(unique, options.concurrency ?? 8, async (f) => {
      try {
        return await dHash(f, { size: hashSize, maxPixels: options.maxPixels });
      } catch (error) {
        if (!isCxrError(error)) throw error;
        skipped.push({ file: f, code: error.code, reason: error.message });
        return null;
      }
    });
    const hashOf = new Map(unique.flatMap((f, i) => (hashes[i] === null ? [] : [[f, hashes[i] as bigint] as const])));
    hashed = hashOf.size;
    const groupOfA = new Map(filesA.map((f, i) => [f, groupsA[i] ?? null]));
    const groupOfB = new Map(filesB.map((f, i) => [f, groupsB[i] ?? null]));
    for (const fa of new Set(filesA)) {
      for (const fb of new Set(filesB)) {
        if (fa === fb || !hashOf.has(fa) || !hashOf.has(fb)) continue;
        const distance = hammingDistance(hashOf.get(fa) as bigint, hashOf.get(fb) as bigint);
        if (distance <= threshold) nearDuplicates.push({ a: fa, b: fb, distance, groupA: groupOfA.get(fa) ?? null, groupB: groupOfB.get(fb) ?? null });
      }
    }
    nearDuplicates.sort((x, y) => x.distance - y.distance || (x.a < y.a ? -1 : 1));
  }
  const ungrouped = { a: groupsA.filter((g) => g === null).length, b: groupsB.filter((g) => g === null).length };
  const summary =
    `${sharedGroups.length} group(s) in both parts, ${sharedFiles.length} identical file(s), ` +
    (options.images ?? true ? `${nearDuplicates.length} near-duplicate image pair(s) (${bits}-bit dHash, distance <= ${threshold})` : 'images not compared') +
    (ungrouped.a + ungrouped.b > 0 ? `; ${ungrouped.a} + ${ungrouped.b} sample(s) without a group id` : '') +
    (skipped.length > 0 ? `; ${skipped.length} image(s) could not be hashed (see skipped)` : '') +
    '.';
  skipped.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0));
  return { sharedGroups, sharedFiles, nearDuplicates, hashBits: bits, threshold, hashed, skipped, ungrouped, summary };
}


function groupsFor(dataset: SampleDataset, files: readonly string[], groupOf: LeakageReportOptions['groupOf']): (string | null)[] {
  const clean = (g: unknown): string | null => (g === null || g === undefined || String(g).trim() === '' ? null : String(g).trim());
  if (groupOf instanceof Map) return files.map((f) => clean(groupOf.get(f)));
  if (typeof groupOf === 'function') return files.map((f) => clean(groupOf(f)));
  const own = (dataset as { patients?: () => (string | null)[] }).patients;
  return typeof own === 'function' ? own.call(dataset).map(clean) : files.map(() => null);
}

function collect(files: readonly string[], groups: readonly (string | null)[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  files.forEach((f, i) => {
    const g = groups[i];
    if (g !== null && g !== undefined) (out.get(g) ?? out.set(g, []).get(g)!).push(f);
  });
  return out;
}
