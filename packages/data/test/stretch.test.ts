import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage, imageFolder } from '../src/node.js';
import { resizePlan } from '../src/resize-plan.js';
import { CXR3, tempDir, useCpu, writeImage } from './fixtures.js';

beforeAll(useCpu);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe("resize: 'stretch' (Keras target_size)", () => {
  it('plans a plain resize to exactly [h, w], no crop; cover stays the default', () => {
    expect(resizePlan(300, 200, [512, 512], 'stretch')).toEqual({ resize: { width: 512, height: 512 }, crop: null, width: 512, height: 512 });
    expect(resizePlan(300, 200, 64, 'stretch')).toEqual({ resize: { width: 64, height: 64 }, crop: null, width: 64, height: 64 });
    expect(resizePlan(48, 32, [32, 48], 'stretch')).toEqual({ resize: null, crop: null, width: 48, height: 32 });
    expect(resizePlan(300, 200, 64)).toEqual(resizePlan(300, 200, 64, 'cover'));
    expect(resizePlan(300, 200, 64).crop).not.toBeNull();
    expect(() => resizePlan(300, 200, 64, 'fill' as 'stretch')).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(/'stretch'/) }));
  });

  it('imageFolder keeps the whole picture: a left-to-right ramp still spans 0..1 after stretch, not after cover', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    await Promise.all([writeImage(join(dir, 'a', '1.png'), { width: 40, height: 10 }), writeImage(join(dir, 'b', '1.png'), { width: 40, height: 10 })]);
    const ranges = async (resize: 'cover' | 'stretch'): Promise<Array<[number, number]>> => {
      const ds = await imageFolder(dir, { imageSize: [16, 16], resize, channels: 1 });
      const out: Array<[number, number]> = [];
      for await (const { image } of ds) {
        expect(image.shape).toEqual([16, 16, 1]);
        out.push([tf.tidy(() => tf.min(image).dataSync()[0] as number), tf.tidy(() => tf.max(image).dataSync()[0] as number)]);
        image.dispose();
      }
      return out;
    };
    for (const [min, max] of await ranges('stretch')) {
      expect(min).toBeLessThan(0.1);
      expect(max).toBeGreaterThan(0.9);
    }
    for (const [min, max] of await ranges('cover')) expect(max - min).toBeLessThan(0.5);
    await expect(imageFolder(dir, { imageSize: 16, resize: 'squash' as 'stretch' })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    await expect(decodeImage(join(dir, 'a', '1.png'), { imageSize: 16, resize: 'squash' as 'stretch' })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
  });
});

const haveCxr3 = existsSync(join(CXR3, 'test'));
describe.skipIf(!haveCxr3)(`cxr3 at 512×512×1 with stretch (${CXR3}; skipped when absent)`, () => {
  it('loads a couple of real files as [512, 512, 1], like flow_from_directory(target_size=(512, 512), color_mode="grayscale")', async () => {
    const folder = join(CXR3, 'test', 'NORMAL');
    const names = (await readdir(folder)).filter((n) => !n.startsWith('.')).sort().slice(0, 2);
    for (const name of names) {
      const raw = await decodeImage(join(folder, name), { channels: 1, imageSize: [512, 512], resize: 'stretch' });
      expect([raw.height, raw.width, raw.channels]).toEqual([512, 512, 1]);
    }
    const ds = await imageFolder(join(CXR3, 'test'), { classes: ['COVID19', 'NORMAL'], channels: 1, imageSize: [512, 512], resize: 'stretch', concurrency: 16 });
    const before = tf.memory().numTensors;
    for await (const { images, labels } of ds.take(2).batch(2, { oneHot: true })) {
      expect(images.shape).toEqual([2, 512, 512, 1]);
      expect(labels.shape).toEqual([2, 2]);
      tf.dispose([images, labels]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
