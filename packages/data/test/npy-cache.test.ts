import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { fromSources, trainTestSplit, type RawImage, type SampleDataset } from '../src/index.js';
import { cachedDataset, imageFolder, readNpy, type NpyCacheManifest } from '../src/node.js';
import { tempDir, useCpu, writeImage } from './fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  await useCpu();
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

/** 3 + 3 synthetic 4×5×3 images whose pixels encode their index; counts decodes. */
function counted() {
  const decoded: string[] = [];
  const ds = fromSources<number>({
    classes: ['A', 'B'],
    items: Array.from({ length: 6 }, (_, i) => ({ source: i, label: i % 2, file: `img-${i}` })),
    decode: (i, file): RawImage => {
      decoded.push(file);
      return { data: Uint8Array.from({ length: 60 }, (_, k) => (i * 40 + k) % 256), width: 5, height: 4, channels: 3 };
    },
  });
  return { ds, decoded };
}

async function collect(ds: SampleDataset): Promise<Array<{ file: string; label: number; shape: number[]; values: number[] }>> {
  const out = [];
  for await (const { image, label, file } of ds) {
    out.push({ file, label, shape: image.shape, values: Array.from(await image.data()) });
    image.dispose();
  }
  return out;
}

describe('cachedDataset', () => {
  it('decodes once, then serves the same samples from .npy files without decoding (also for a fresh dataset object)', async () => {
    const dir = join(tmp.dir, 'cache-a');
    const before = tf.memory().numTensors;
    const first = counted();
    const mapped = first.ds.map((im) => tf.mul(im, 2) as tf.Tensor3D); // preprocessing stored in the cache
    const built = await cachedDataset(mapped, dir, { key: { scale: 2 } });
    expect(built.hit).toBe(false);
    expect(first.decoded).toHaveLength(6);
    const expected = await collect(mapped);

    // A new dataset object, as in a new process: nothing is decoded.
    const second = counted();
    const again = await cachedDataset(second.ds.map((im) => tf.mul(im, 2) as tf.Tensor3D), dir, { key: { scale: 2 } });
    expect(again.hit).toBe(true);
    expect(again.key).toBe(built.key);
    expect(await collect(again.dataset)).toEqual(expected);
    expect(await collect(again.dataset)).toEqual(expected); // re-iterable
    expect(second.decoded).toEqual([]);
    expect(again.dataset.classes).toEqual(['A', 'B']);
    expect(again.dataset.files()).toEqual(first.ds.files());
    expect(again.dataset.report().counts).toEqual({ A: 3, B: 3 });

    // The folder holds plain .npy files and a manifest.
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as NpyCacheManifest;
    expect(manifest.entries.map((e) => e.npy)).toEqual(Array.from({ length: 6 }, (_, i) => `images/00000${i}.npy`));
    const labels = await readNpy(join(dir, 'labels.npy'));
    expect(labels).toMatchObject({ dtype: 'int32', shape: [6] });
    expect(Array.from(labels.data)).toEqual([0, 1, 0, 1, 0, 1]);
    const img = await readNpy(join(dir, 'images/000002.npy'));
    expect(img).toMatchObject({ dtype: 'float32', shape: [4, 5, 3] });

    // Cached datasets split, shuffle and batch like any other.
    const { train, test } = trainTestSplit(again.dataset, { seed: 3 });
    expect(train.size + test.size).toBe(6);
    for await (const batch of train.shuffle(1).batch(2)) {
      batch.images.dispose();
      batch.labels.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rebuilds when the key, dtype, files or labels change; the order of the input does not matter', async () => {
    const dir = join(tmp.dir, 'cache-b');
    const a = counted();
    expect((await cachedDataset(a.ds, dir, { key: 'v1' })).hit).toBe(false);
    expect((await cachedDataset(a.ds.shuffle(9), dir, { key: 'v1' })).hit).toBe(true);
    expect((await cachedDataset(a.ds, dir, { key: 'v2' })).hit).toBe(false);
    expect((await cachedDataset(a.ds, dir, { key: 'v2', dtype: 'uint8' })).hit).toBe(false);
    expect((await cachedDataset(a.ds.take(4), dir, { key: 'v2', dtype: 'uint8' })).hit).toBe(false);
    const decodesBefore = a.decoded.length;
    const hit = await cachedDataset(a.ds.take(4), dir, { key: 'v2', dtype: 'uint8' });
    expect(hit.hit).toBe(true);
    expect(hit.dataset.size).toBe(4);
    expect(a.decoded.length).toBe(decodesBefore);
  });

  it("dtype 'uint8' stores round(v × 255) and gives back v; refuses values outside [0, 1]", async () => {
    const a = counted();
    const { dataset } = await cachedDataset(a.ds, join(tmp.dir, 'cache-u8'), { dtype: 'uint8' });
    expect(await collect(dataset)).toEqual(await collect(a.ds));
    expect((await readNpy(join(tmp.dir, 'cache-u8', 'images/000001.npy'))).dtype).toBe('uint8');
    const before = tf.memory().numTensors;
    const scaled = a.ds.map((im) => tf.mul(im, 2) as tf.Tensor3D);
    await expect(cachedDataset(scaled, join(tmp.dir, 'cache-u8b'), { dtype: 'uint8' })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    expect(tf.memory().numTensors).toBe(before);
    await expect(cachedDataset(a.ds, join(tmp.dir, 'x'), { dtype: 'float16' as 'uint8' })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
  });

  it('rebuilds an image folder cache when a file changes on disk, and reports a damaged cache file with E_IO', async () => {
    const root = join(tmp.dir, 'folder');
    for (const c of ['NORMAL', 'COVID19']) for (const n of [1, 2]) await writeImage(join(root, c, `${n}.png`), { width: 8, height: 6 });
    const options = { imageSize: 4, channels: 1 } as const;
    const dir = join(tmp.dir, 'cache-folder');
    expect((await cachedDataset(await imageFolder(root, options), dir, { key: options })).hit).toBe(false);
    expect((await cachedDataset(await imageFolder(root, options), dir, { key: options })).hit).toBe(true);
    await utimes(join(root, 'NORMAL', '2.png'), new Date(), new Date(Date.now() + 5000));
    const rebuilt = await cachedDataset(await imageFolder(root, options), dir, { key: options });
    expect(rebuilt.hit).toBe(false);
    expect((await collect(rebuilt.dataset)).map((s) => s.shape)).toEqual(Array(4).fill([4, 4, 1]));

    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'images/000000.npy'), 'garbage'));
    await expect(collect(rebuilt.dataset)).rejects.toMatchObject({ code: 'E_IO' });
    // A missing cache file makes the next call rebuild.
    await import('node:fs/promises').then((fs) => fs.rm(join(dir, 'images/000000.npy')));
    expect((await cachedDataset(await imageFolder(root, options), dir, { key: options })).hit).toBe(false);
  });

  const numpy = existsSync('/usr/bin/python3') && (() => {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!numpy)(`NumPy loads the cache folder${numpy ? '' : ' (skipped: /usr/bin/python3 with numpy is missing)'}`, async () => {
    const a = counted();
    const { dir } = await cachedDataset(a.ds, join(tmp.dir, 'cache-np'), { dtype: 'uint8' });
    const script =
      'import sys, json, numpy as np; d = sys.argv[1]; m = json.load(open(d + "/manifest.json")); ' +
      'x = np.stack([np.load(d + "/" + e["npy"]) for e in m["entries"]]); y = np.load(d + "/labels.npy"); ' +
      'print(json.dumps({"shape": list(x.shape), "dtype": x.dtype.str, "first": x[0].ravel().tolist(), "labels": y.tolist()}))';
    const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, dir], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({ shape: [6, 4, 5, 3], dtype: '|u1', first: Array.from({ length: 60 }, (_, k) => k), labels: [0, 1, 0, 1, 0, 1] });
  });
});
