import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@cxr/core';
import { writeGradCamOverlays } from '@cxr/explain/node';

let root: string;
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  root = await mkdtemp(join(tmpdir(), 'cxr-explain-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('writeGradCamOverlays', () => {
  it('writes jet overlays as PNG (hot = red where the heatmap is 1), with optional titles, leak-free', async () => {
    const images = tf.fill([2, 16, 16, 1], 0.5) as tf.Tensor4D;
    const heat = tf.tensor3d([1, 0, 0, 0, 0, 0, 0, 0], [2, 2, 2]);
    const before = tf.memory().numTensors;
    const paths = await writeGradCamOverlays(join(root, 'out'), images, heat, { alpha: 0.5 });
    expect(paths.map((p) => p.slice(root.length))).toEqual(['/out/gradcam_000.png', '/out/gradcam_001.png']);
    const { data, info } = await sharp(paths[0]).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([16, 16, 3]);
    // top-left: heat 1 → dark red over gray; bottom-right: heat 0 → dark blue over gray
    expect(data[0]!).toBeGreaterThan(data[2]!);
    const last = (16 * 16 - 1) * 3;
    expect(data[last + 2]!).toBeGreaterThan(data[last]!);
    const titled = await writeGradCamOverlays([join(root, 'a.png'), join(root, 'b.png')], images, heat, { titles: ['COVID19 (0.97)', 'NORMAL <x>'] });
    const meta = await sharp(titled[1]).metadata();
    expect(meta.width).toBe(16);
    expect(meta.height).toBeGreaterThan(16);
    expect(tf.memory().numTensors).toBe(before);
    await expect(writeGradCamOverlays(root, images, tf.zeros([1, 2, 2]) as tf.Tensor3D)).rejects.toMatchObject({ code: 'E_SHAPE_MISMATCH' });
    tf.dispose([images, heat]);
  });
});
