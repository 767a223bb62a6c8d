import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CxrError, assertArgument, isCxrError, type OnProgress } from '@cxr/core';
import { fromSources } from '../dataset.js';
import { mapLimit } from '../map-limit.js';
import type { RawImage, SampleDataset, SkippedFile } from '../types.js';
import { readNpy, writeFileAtomic, writeNpy } from './npy-file.js';

export interface CachedDatasetOptions {
  /**
   * What the images went through before they reach the cache (decode options, preprocessing steps,
   * a version string): a string or any JSON value. It is part of the cache key, so changing it
   * rebuilds the cache. The dataset's own options (imageSize, map functions) cannot be seen from
   * outside, so pass them here, e.g. `{ key: { imageSize: 224, channels: 3, whiteBalance: 0.05 } }`.
   */
  key?: unknown;
  /**
   * How images are stored: 'float32' (default, values as they are) or 'uint8' (round(v × 255), 4×
   * smaller, like the article's saved arrays; every value must be in [0, 1]). Part of the key.
   */
  dtype?: 'float32' | 'uint8';
  /**
   * How a source file's identity enters the key: 'stat' (default: size and modification time),
   * 'content' (SHA-256 of its bytes: slower, survives copies and touches) or 'name' (paths only).
   * Sources that are not files (phantom ids, URLs) always count by name.
   */
  fingerprint?: 'stat' | 'content' | 'name';
  /** Progress of building the cache (phase 'cache', one unit per image). */
  onProgress?: OnProgress;
}

export interface CachedDataset {
  /** The samples, read from the `.npy` files; decoding and preprocessing are skipped. */
  dataset: SampleDataset;
  /** true: the cache was valid and nothing was decoded; false: it was (re)built by this call. */
  hit: boolean;
  /** The cache key (hex SHA-256 of classes, files, labels, fingerprints, `key` and `dtype`). */
  key: string;
  /** The cache folder, absolute. */
  dir: string;
}

/** What `manifest.json` in the cache folder holds. */
export interface NpyCacheManifest {
  format: 'cxr-npy-cache';
  version: 1;
  key: string;
  dtype: 'float32' | 'uint8';
  classes: string[];
  /** One per cached sample, in the order of the pass that built the cache; `npy` is relative to the folder. */
  entries: Array<{ file: string; label: number; npy: string; shape: [number, number, number] }>;
  /** Files the source dataset left out (from its `report()` after the building pass). */
  skipped: SkippedFile[];
}

const MANIFEST = 'manifest.json';
const IMAGES = 'images';
const LABELS = 'labels.npy';

/**
 * A dataset backed by a folder of NumPy `.npy` files, like the article's `np.save(feats)` /
 * `np.load(...)`, so a second run (also in a new process) skips decoding and preprocessing.
 *
 * When `dir/manifest.json` is missing or its key differs (other files, labels, classes, file sizes
 * or times, `key` or `dtype`), this call runs one pass over `dataset` (decoding and mapping every
 * image once), writes each image to `dir/images/000000.npy` ([height, width, channels], float32 or
 * uint8), the labels to `dir/labels.npy` (int32 [n]) and, last, `dir/manifest.json` (classes,
 * files, shapes, key). Otherwise nothing is decoded. Either way the returned dataset reads the
 * `.npy` files lazily, one pass at a time, and can be shuffled, split, batched like any other; its
 * `files()` are the original sources. NumPy reads the cache with `np.load(dir + '/images/000000.npy')`.
 *
 * The key is computed from `dataset.files()` / `labels()` before the pass, so it is the same on the
 * next run whatever order the files come in. Only `images/`, `labels.npy` and `manifest.json` inside
 * `dir` are ever removed.
 *
 * Throws E_BAD_ARGUMENT (bad options; dtype 'uint8' with values outside [0, 1]), E_IO (cannot write,
 * or a cache file is damaged when read), and whatever the source dataset throws during the pass.
 */
export async function cachedDataset(dataset: SampleDataset, dir: string, options: CachedDatasetOptions = {}): Promise<CachedDataset> {
  assertArgument(typeof dir === 'string' && dir.length > 0, 'cachedDataset: dir must be a folder path');
  assertArgument(
    dataset !== null && typeof dataset === 'object' && typeof dataset.files === 'function' && typeof dataset.labels === 'function',
    'cachedDataset needs a dataset made by @cxr/data (imageFolder, phantomDataset, fromSources or a view of one)',
  );
  const dtype = options.dtype ?? 'float32';
  const fingerprint = options.fingerprint ?? 'stat';
  assertArgument(dtype === 'float32' || dtype === 'uint8', `cachedDataset: dtype must be 'float32' or 'uint8', got ${String(dtype)}`);
  assertArgument(fingerprint === 'stat' || fingerprint === 'content' || fingerprint === 'name', `cachedDataset: fingerprint must be 'stat', 'content' or 'name', got ${String(fingerprint)}`);
  let userKey: string;
  try {
    userKey = JSON.stringify(options.key ?? null);
  } catch (error) {
    throw new CxrError('E_BAD_ARGUMENT', `cachedDataset: key must be JSON-serialisable: ${(error as Error).message}`, { cause: error });
  }
  const root = resolve(dir);
  const key = await cacheKey(dataset, userKey, dtype, fingerprint);

  const existing = await loadManifest(root);
  if (existing && existing.key === key && (await filesPresent(root, existing))) {
    return { dataset: npyDataset(root, existing), hit: true, key, dir: root };
  }

  await rm(join(root, MANIFEST), { force: true });
  await rm(join(root, IMAGES), { recursive: true, force: true });
  await rm(join(root, LABELS), { force: true });
  const entries: NpyCacheManifest['entries'] = [];
  const total = dataset.size;
  for await (const sample of dataset) {
    const { image, label, file } = sample;
    try {
      const npy = `${IMAGES}/${String(entries.length).padStart(6, '0')}.npy`;
      const [h, w, c] = image.shape;
      const values = (await image.data()) as Float32Array;
      await writeNpy(join(root, npy), dtype === 'uint8' ? toUint8(values, file) : values, [h, w, c]);
      entries.push({ file, label, npy, shape: [h, w, c] });
    } finally {
      image.dispose();
    }
    options.onProgress?.({ phase: 'cache', current: entries.length, total });
  }
  await writeNpy(join(root, LABELS), Int32Array.from(entries.map((e) => e.label)));
  const manifest: NpyCacheManifest = {
    format: 'cxr-npy-cache',
    version: 1,
    key,
    dtype,
    classes: [...dataset.classes],
    entries,
    skipped: dataset.report().skipped,
  };
  await writeFileAtomic(join(root, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  return { dataset: npyDataset(root, manifest), hit: false, key, dir: root };
}

function npyDataset(root: string, manifest: NpyCacheManifest): SampleDataset {
  return fromSources<NpyCacheManifest['entries'][number]>({
    classes: manifest.classes,
    items: manifest.entries.map((entry) => ({ source: entry, label: entry.label, file: entry.file })),
    skipped: manifest.skipped,
    decode: async (entry): Promise<RawImage> => {
      const path = join(root, entry.npy);
      const array = await readNpy(path);
      const [height, width, channels] = entry.shape;
      const expected = manifest.dtype === 'uint8' ? 'uint8' : 'float32';
      if (array.dtype !== expected || array.shape.join(',') !== entry.shape.join(',')) {
        throw new CxrError(
          'E_IO',
          `Cache file ${path} holds ${array.dtype} [${array.shape.join(', ')}], the manifest says ${expected} [${entry.shape.join(', ')}]. Delete ${root} to rebuild the cache.`,
          { path },
        );
      }
      return { data: array.data as Float32Array | Uint8Array, width, height, channels };
    },
  });
}

function toUint8(values: Float32Array, file: string): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= 0 && v <= 1)) {
      throw new CxrError('E_BAD_ARGUMENT', `cachedDataset: dtype 'uint8' stores values in [0, 1], but ${file} has ${v}; use dtype 'float32' for other ranges.`, { path: file });
    }
    out[i] = Math.round(v * 255);
  }
  return out;
}

async function cacheKey(dataset: SampleDataset, userKey: string, dtype: string, fingerprint: 'stat' | 'content' | 'name'): Promise<string> {
  const files = dataset.files();
  const labels = dataset.labels();
  const prints = await mapLimit(files, 16, (file) => fileFingerprint(file, fingerprint));
  const items = files.map((file, i) => `${labels[i]}\u0000${file}\u0000${prints[i]}`).sort();
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: 'cxr-npy-cache', version: 1, dtype, key: userKey, classes: dataset.classes }));
  for (const item of items) hash.update(`\n${item}`);
  return hash.digest('hex');
}

async function fileFingerprint(file: string, mode: 'stat' | 'content' | 'name'): Promise<string> {
  if (mode === 'name') return '';
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) return '';
  if (mode === 'stat') return `${st.size}:${st.mtimeMs}`;
  const bytes = await readFile(file).catch(() => null);
  return bytes ? createHash('sha256').update(bytes).digest('hex') : '';
}

async function loadManifest(root: string): Promise<NpyCacheManifest | null> {
  try {
    const parsed = JSON.parse(await readFile(join(root, MANIFEST), 'utf8')) as Partial<NpyCacheManifest>;
    const ok = parsed.format === 'cxr-npy-cache' && parsed.version === 1 && typeof parsed.key === 'string' && Array.isArray(parsed.entries) && Array.isArray(parsed.classes);
    return ok ? (parsed as NpyCacheManifest) : null;
  } catch (error) {
    if (isCxrError(error)) throw error;
    return null; // missing or unreadable: rebuild
  }
}

async function filesPresent(root: string, manifest: NpyCacheManifest): Promise<boolean> {
  const found = await mapLimit(manifest.entries, 16, async (entry) => (await stat(join(root, entry.npy)).catch(() => null))?.isFile() ?? false);
  return found.every(Boolean) && ((await stat(join(root, LABELS)).catch(() => null))?.isFile() ?? false);
}
