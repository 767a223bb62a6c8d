import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage, decodeImageFile, readImageInfo } from '../src/node.js';
import { resizePlan } from '../src/resize-plan.js';
import { tempDir, useCpu, writeImage, writeRaw } from './fixtures.js';

let dir = '';
let cleanup = async (): Promise<void> => {};
beforeAll(async () => {
  await useCpu();
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('resizePlan (torchvision Resize(S) + CenterCrop(S))', () => {
  it('scales the shorter side to S, truncates the longer one, crops the centre', () => {
    // torchvision: Resize(224) of 320x240 (w x h) → 298x224 (int(224 * 320 / 240) = 298), crop left round(74 / 2) = 37.
    expect(resizePlan(320, 240, 224)).toEqual({ resize: { width: 298, height: 224 }, crop: { left: 37, top: 0, width: 224, height: 224 }, width: 224, height: 224 });
    // Portrait 240x320 → 224x298, crop top 37.
    expect(resizePlan(240, 320, 224)).toEqual({ resize: { width: 224, height: 298 }, crop: { left: 0, top: 37, width: 224, height: 224 }, width: 224, height: 224 });
    // Python rounds halves to even: (229 - 224) / 2 = 2.5 → 2; (231 - 224) / 2 = 3.5 → 4.
    expect(resizePlan(229, 224, 224).crop).toEqual({ left: 2, top: 0, width: 224, height: 224 });
    expect(resizePlan(231, 224, 224).crop).toEqual({ left: 4, top: 0, width: 224, height: 224 });
    // Already the right size: nothing to do. Square: resize only.
    expect(resizePlan(224, 224, 224)).toEqual({ resize: null, crop: null, width: 224, height: 224 });
    expect(resizePlan(300, 300, 224)).toEqual({ resize: { width: 224, height: 224 }, crop: null, width: 224, height: 224 });
    expect(resizePlan(50, 40, undefined)).toEqual({ resize: null, crop: null, width: 50, height: 40 });
  });

  it('[h, w] covers the box keeping the aspect ratio, then crops the centre', () => {
    expect(resizePlan(400, 200, [100, 100])).toEqual({ resize: { width: 200, height: 100 }, crop: { left: 50, top: 0, width: 100, height: 100 }, width: 100, height: 100 });
    expect(resizePlan(200, 200, [100, 150])).toEqual({ resize: { width: 150, height: 150 }, crop: { left: 0, top: 25, width: 150, height: 100 }, width: 150, height: 100 });
  });
});

describe('decodeImage', () => {
  it('16-bit gray PNG: keeps 16 bits, gives 1 or 3 channels in [0, 1]', async () => {
    const path = await writeImage(join(dir, 'g16.png'), { width: 9, height: 4, channels: 1, sixteenBit: true });
    expect((await readImageInfo(path)).depth).toBe('ushort');
    const gray = await decodeImage(path, { channels: 1 });
    expect(gray.data).toBeInstanceOf(Uint16Array);
    expect(gray).toMatchObject({ width: 9, height: 4, channels: 1 });
    expect(Array.from(gray.data.slice(0, 9))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => Math.round((65535 * i) / 8)));
    const t = await decodeImageFile(path, { channels: 3 });
    expect(t.shape).toEqual([4, 9, 3]);
    expect(t.dtype).toBe('float32');
    const values = t.dataSync();
    expect(values[0]).toBe(0);
    expect(values[8 * 3]).toBeCloseTo(1, 6);
    // Not a multiple of 1/255: the 16-bit precision survived.
    expect(values[3]).toBeCloseTo(8192 / 65535, 5);
    t.dispose();
  });

  it('RGBA PNG: alpha dropped, RGB kept or made gray', async () => {
    const path = join(dir, 'rgba.png');
    const px = new Uint8Array([255, 0, 0, 10, 0, 255, 0, 128, 0, 0, 255, 255, 255, 255, 255, 0]);
    await sharp(px, { raw: { width: 2, height: 2, channels: 4 } }).png().toFile(path);
    const rgb = await decodeImage(path, { channels: 3 });
    expect(rgb).toMatchObject({ width: 2, height: 2, channels: 3 });
    expect(Array.from(rgb.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    const gray = await decodeImage(path, { channels: 1 });
    expect(gray.channels).toBe(1);
    expect(gray.data.length).toBe(4);
    // Green is brighter than blue in every luminance formula; white stays white.
    expect(gray.data[1]).toBeGreaterThan(gray.data[2] as number);
    expect(gray.data[3]).toBe(255);
  });

  it('honours EXIF orientation', async () => {
    const path = join(dir, 'rotated.jpg');
    await sharp(new Uint8Array(20 * 10 * 3).fill(128), { raw: { width: 20, height: 10, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toFile(path);
    expect(await readImageInfo(path)).toMatchObject({ width: 10, height: 20 });
    expect(await decodeImage(path)).toMatchObject({ width: 10, height: 20, channels: 3 });
  });

  it('resizes and centre-crops to imageSize', async () => {
    const path = await writeImage(join(dir, 'wide.png'), { width: 40, height: 20 });
    const t = await decodeImageFile(path, { imageSize: 10, channels: 1 });
    expect(t.shape).toEqual([10, 10, 1]);
    // The horizontal gradient survives: left of the crop darker than its right.
    const row = Array.from(t.dataSync().slice(0, 10));
    expect(row[9]).toBeGreaterThan(row[0] as number);
    t.dispose();
    expect((await decodeImage(path, { imageSize: [8, 12] })).width).toBe(12);
  });

  it('coded errors: missing, empty, not an image', async () => {
    await expect(decodeImage(join(dir, 'missing.png'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(decodeImage(await writeRaw(join(dir, 'empty.png'), ''))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('0 bytes') });
    await expect(decodeImageFile(await writeRaw(join(dir, 'text.jpg'), 'hello'))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
    expect(tf.memory().numTensors).toBe(0);
  });
});
