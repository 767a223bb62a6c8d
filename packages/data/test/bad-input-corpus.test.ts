/**
 * Every loader of @cxr/data/node over every case of the bad-input corpus
 * (packages/data/scripts/bad-input-corpus.ts): each must give exactly the coded CxrError, the
 * report entries, or the correct samples / pixels the case lists; anything else — an uncaught
 * non-CxrError, a hang (per-case timeout), a missing or extra report entry, a sample under the
 * wrong class — fails.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCxrError } from '@cxr/core';
import {
  cachedDataset,
  decodeImage,
  describeImageFolder,
  imageFolder,
  leakageReport,
  metadataDataset,
  readCsvTable,
  readNpy,
  type SkippedFile,
  type SampleDataset,
} from '../src/node.js';
import type { RawImage } from '../src/index.js';
import { badInputCases, corpusMarkdown, writeBadInputCorpus, type CorpusCase, type CorpusLoader, type Loaded, type Outcome, type SkipEntry } from '../scripts/bad-input-corpus.js';
import { tempDir, useCpu } from './fixtures.js';

const AS_ROOT = process.getuid?.() === 0;
/** A case that takes longer than this counts as a hang. */
const CASE_TIMEOUT_MS = 10_000;

interface Observed {
  error?: { code: string; message: string };
  skipped: SkipEntry[];
  loaded: Loaded;
  raw?: RawImage;
}

let root = '';
let cleanup: () => Promise<void> = async () => undefined;
let cases: CorpusCase[] = [];
const listed = badInputCases();

beforeAll(async () => {
  useCpu();
  ({ dir: root, cleanup } = await tempDir());
  cases = await writeBadInputCorpus(join(root, 'corpus'));
});
afterAll(() => cleanup());

describe('bad-input corpus', () => {
  it('has at least 20 cases with unique ids, and every loader is exercised', () => {
    expect(listed.length).toBeGreaterThanOrEqual(20);
    expect(new Set(listed.map((c) => c.id)).size).toBe(listed.length);
    const used = new Set(listed.flatMap((c) => Object.keys(c.expect)));
    expect([...used].sort()).toEqual(
      ['cachedDataset', 'decodeImage', 'describeImageFolder', 'imageFolder', 'imageFolderSkip', 'leakageReport', 'metadataDataset', 'readCsvTable', 'readNpy'].sort(),
    );
  });

  it('docs/bad-inputs.md is the generated table of these cases', async () => {
    const doc = await readFile(new URL('../../../docs/bad-inputs.md', import.meta.url), 'utf8');
    expect(doc).toContain(corpusMarkdown(listed));
  });

  for (const listedCase of listed) {
    describe(listedCase.id, () => {
      const loaders = Object.keys(listedCase.expect) as CorpusLoader[];
      for (const loader of loaders) {
        it(`${loader}`, { timeout: CASE_TIMEOUT_MS }, async () => {
          const c = cases.find((x) => x.id === listedCase.id) as CorpusCase;
          const expected = (AS_ROOT ? c.expectAsRoot?.[loader] : undefined) ?? (c.expect[loader] as Outcome);
          const dir = join(root, 'corpus', c.id);
          const observed = await observe(loader, c, dir);
          check(observed, expected, dir);
        });
      }
    });
  }
});

/** Run one loader the way a user would, and turn what it gives into comparable data. */
async function observe(loader: CorpusLoader, c: CorpusCase, dir: string): Promise<Observed> {
  const maxPixels = c.options?.maxPixels;
  const rel = (file: string): string => relative(dir, file).split('\\').join('/');
  const skips = (list: readonly SkippedFile[]): SkipEntry[] =>
    list.map((s) => ({ file: s.file.includes(':row ') ? `${rel(s.file.split(':row ')[0] as string)}:row ${s.file.split(':row ')[1]}` : rel(s.file), code: s.code, reason: s.reason }));
  const pass = async (ds: SampleDataset): Promise<Record<string, string>> => {
    const samples: Record<string, string> = {};
    for await (const { image, label, file } of ds) {
      image.dispose();
      samples[rel(file)] = ds.classes[label] as string;
    }
    return samples;
  };
  const folder = join(dir, 'folder');
  try {
    switch (loader) {
      case 'decodeImage': {
        const raw = await decodeImage(join(dir, c.target as string), { channels: 3, maxPixels });
        return { skipped: [], loaded: { shape: [raw.height, raw.width, raw.channels] }, raw };
      }
      case 'imageFolder':
      case 'imageFolderSkip': {
        const ds = await imageFolder(folder, { maxPixels, onError: loader === 'imageFolder' ? 'throw' : 'skip' });
        const samples = await pass(ds);
        const report = ds.report();
        return { skipped: skips(report.skipped), loaded: { samples, counts: report.counts } };
      }
      case 'describeImageFolder': {
        const stats = await describeImageFolder(folder, { maxPixels });
        return { skipped: skips(stats.skipped), loaded: { counts: Object.fromEntries(stats.perClass.map((g) => [g.name, g.count])) } };
      }
      case 'metadataDataset': {
        const ds = await metadataDataset({ csv: join(dir, 'metadata.csv'), imagesDir: c.files.some((f) => f.startsWith('folder/')) ? folder : join(dir, 'images'), onError: 'skip', maxPixels, classes: c.options?.classes });
        const samples = await pass(ds);
        // A class no sample has would be a silently wrong class list: every class must be in the data.
        expect(new Set(Object.values(samples)).size, `classes ${ds.classes.join(', ')}`).toBe(ds.classes.length);
        return { skipped: skips(ds.report().skipped), loaded: { samples, malformed: ds.metadataReport().malformed.map((m) => m.row) } };
      }
      case 'readCsvTable': {
        const table = await readCsvTable(join(dir, c.target as string));
        return { skipped: [], loaded: { header: table.header, rows: table.rows.length, malformed: table.malformed.map((m) => m.row) } };
      }
      case 'leakageReport': {
        const ds = await imageFolder(folder, { maxPixels, onError: 'skip' });
        const report = await leakageReport(ds, ds.take(1), { maxPixels });
        return { skipped: skips(report.skipped), loaded: { hashed: report.hashed } };
      }
      case 'cachedDataset': {
        const ds = await imageFolder(folder, { maxPixels, onError: 'skip' });
        const cache = await cachedDataset(ds, join(dir, 'cache'), { fingerprint: 'name' });
        const samples = await pass(cache.dataset);
        return { skipped: skips(cache.dataset.report().skipped), loaded: { samples, hit: cache.hit } };
      }
      case 'readNpy': {
        const array = await readNpy(join(dir, c.target as string));
        return { skipped: [], loaded: { shape: array.shape } };
      }
    }
  } catch (error) {
    // A CxrError is an outcome; anything else is a crash and fails the test as it is.
    if (isCxrError(error)) return { error: { code: error.code, message: error.message }, skipped: [], loaded: {} };
    throw error;
  }
}

function check(observed: Observed, expected: Outcome, dir: string): void {
  if ('error' in expected) {
    expect(observed.error?.code, `expected ${expected.error}, got ${observed.error ? observed.error.message : 'a result'}`).toBe(expected.error);
    if (expected.message !== undefined) expect(observed.error?.message).toContain(expected.message);
    return;
  }
  expect(observed.error, `expected a result, got ${observed.error?.code}: ${observed.error?.message}`).toBeUndefined();
  const wantSkips = 'skip' in expected ? expected.skip : [];
  const key = (s: SkipEntry): string => `${s.code} ${s.file}`;
  expect(observed.skipped.map(key).sort(), `report entries in ${dir}`).toEqual(wantSkips.map(key).sort());
  for (const want of wantSkips) {
    const got = observed.skipped.find((s) => key(s) === key(want));
    expect(got?.reason, `reason of ${key(want)}`).toContain(want.reason);
  }
  const ok = expected.ok;
  const { probes, ...rest } = ok;
  const comparable = Object.fromEntries(Object.keys(rest).map((k) => [k, observed.loaded[k as keyof Loaded]]));
  expect(comparable).toEqual(rest);
  for (const probe of probes ?? []) {
    const raw = observed.raw as RawImage;
    const scale = raw.data instanceof Uint16Array ? 65535 : raw.data instanceof Uint8Array ? 255 : 1;
    const at = (probe.y * raw.width + probe.x) * raw.channels;
    const rgb = [0, 1, 2].map((k) => (raw.data[at + k] as number) / scale);
    rgb.forEach((v, k) => expect(Math.abs(v - (probe.rgb[k] as number)), `pixel (${probe.y}, ${probe.x}) channel ${k}: ${v} vs ${probe.rgb[k]}`).toBeLessThanOrEqual(probe.tol));
  }
}
