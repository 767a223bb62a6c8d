import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { isCxrError } from '@cxr/core';
import { DEFAULT_PHANTOM_CLASSES, PHANTOM_FINDINGS, findingForClass, phantomDataset, phantomImage } from '../src/index.js';
import { useCpu } from './fixtures.js';

beforeAll(useCpu);

/** Mean intensity of the lateral, lower lung zones (where the COVID-like hazes sit) of a gray image. */
function lungZoneMean(data: ArrayLike<number>, size: number): number {
  let sum = 0;
  let n = 0;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = ((i + 0.5) / size) * 2 - 1;
      const y = ((j + 0.5) / size) * 2 - 1;
      if (Math.abs(x) > 0.3 && Math.abs(x) < 0.65 && y > -0.35 && y < 0.45) {
        sum += data[j * size + i] as number;
        n++;
      }
    }
  }
  return sum / n;
}

const stats = (values: number[]): { mean: number; se: number } => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, se: Math.sqrt(variance / values.length) };
};

describe('phantomImage', () => {
  it('has the asked shape and float pixels in [0, 1]', () => {
    const image = phantomImage({ finding: 'COVID19', size: 64, channels: 1, seed: 3 });
    expect(image).toMatchObject({ width: 64, height: 64, channels: 1 });
    expect(image.data).toBeInstanceOf(Float32Array);
    expect(image.data.length).toBe(64 * 64);
    const values = Array.from(image.data);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    // Not a flat image: dark air outside the body, bright bone/tissue inside.
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.4);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = phantomImage({ finding: 'normal', size: 48, seed: 11 });
    const b = phantomImage({ finding: 'normal', size: 48, seed: 11 });
    const c = phantomImage({ finding: 'normal', size: 48, seed: 12 });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    let diff = 0;
    for (let k = 0; k < a.data.length; k++) diff += Math.abs((a.data[k] as number) - (c.data[k] as number));
    expect(diff / a.data.length).toBeGreaterThan(0.01);
  });

  it('puts the same gray value in R, G and B for 3 channels', () => {
    const rgb = phantomImage({ size: 16, channels: 3, seed: 1 });
    const gray = phantomImage({ size: 16, channels: 1, seed: 1 });
    expect(rgb.data.length).toBe(16 * 16 * 3);
    for (let k = 0; k < gray.data.length; k++) {
      for (let c = 0; c < 3; c++) expect(rgb.data[k * 3 + c]).toBe(gray.data[k]);
    }
  });

  it('renders every finding at any size', () => {
    for (const finding of PHANTOM_FINDINGS) {
      for (const size of [8, 33, 224]) {
        const image = phantomImage({ finding, size, channels: 1, seed: 5 });
        expect(image.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      }
    }
  });

  it('separates classes: lung opacities raise lung-zone intensity', () => {
    const size = 48;
    const zone = (finding: string): { mean: number; se: number } =>
      stats(Array.from({ length: 60 }, (_, s) => lungZoneMean(phantomImage({ finding, size, channels: 1, seed: 1000 + s }).data, size)));
    const normal = zone('NORMAL');
    const covid = zone('COVID19');
    const pneumonia = zone('PNEUMONIA');
    const margin = (a: { mean: number; se: number }, b: { mean: number; se: number }): number => (a.mean - b.mean) / Math.hypot(a.se, b.se);
    expect(margin(covid, normal)).toBeGreaterThan(4);
    expect(margin(pneumonia, normal)).toBeGreaterThan(2);
  });

  it('rejects bad options with E_BAD_ARGUMENT', () => {
    for (const bad of [{ size: 4 }, { size: 10.5 }, { channels: 2 as 1 }, { finding: 'fracture' }, { seed: Number.NaN }]) {
      expect(() => phantomImage(bad)).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    }
  });
});

describe('findingForClass', () => {
  it('maps dataset class names to findings', () => {
    expect(findingForClass('COVID19')).toBe('ground-glass');
    expect(findingForClass('Covid-19')).toBe('ground-glass');
    expect(findingForClass('Viral Pneumonia')).toBe('consolidation');
    expect(findingForClass('NORMAL')).toBe('normal');
    expect(findingForClass('sick', { sick: 'effusion' })).toBe('effusion');
    try {
      findingForClass('TUMOR');
      expect.unreachable();
    } catch (error) {
      expect(isCxrError(error, 'E_BAD_ARGUMENT')).toBe(true);
      expect((error as Error).message).toContain("findings: { 'TUMOR'");
    }
  });
});

describe('phantomDataset', () => {
  it('defaults to COVID19 vs NORMAL, sorted like folders, perClass each', () => {
    expect(DEFAULT_PHANTOM_CLASSES).toEqual(['COVID19', 'NORMAL']);
    const ds = phantomDataset({ perClass: 3, imageSize: 16 });
    expect(ds.classes).toEqual(['COVID19', 'NORMAL']);
    expect(ds.size).toBe(6);
    expect(ds.labels()).toEqual([0, 0, 0, 1, 1, 1]);
    expect(ds.files()[0]).toBe('phantom:train/COVID19/0000');
    expect(ds.report()).toEqual({ classes: ['COVID19', 'NORMAL'], counts: { COVID19: 3, NORMAL: 3 }, skipped: [] });
  });

  it('sorts given classes and yields [size, size, channels] float tensors', async () => {
    const ds = phantomDataset({ classes: ['PNEUMONIA', 'NORMAL', 'COVID19'], perClass: 2, imageSize: 24, channels: 1, seed: 9 });
    expect(ds.classes).toEqual(['COVID19', 'NORMAL', 'PNEUMONIA']);
    const labels: number[] = [];
    for await (const { image, label } of ds) {
      expect(image.shape).toEqual([24, 24, 1]);
      expect(image.dtype).toBe('float32');
      labels.push(label);
      image.dispose();
    }
    expect(labels).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('gives the same pixels for the same seed, and independent draws per seed and split', async () => {
    const first = async (options: Parameters<typeof phantomDataset>[0]): Promise<number[]> => {
      for await (const { image } of phantomDataset({ perClass: 1, imageSize: 16, ...options })) {
        const values = Array.from(image.dataSync());
        image.dispose();
        return values;
      }
      throw new Error('empty');
    };
    const a = await first({ seed: 1 });
    expect(await first({ seed: 1 })).toEqual(a);
    expect(await first({ seed: 2 })).not.toEqual(a);
    expect(await first({ seed: 1, split: 'test' })).not.toEqual(a);
    // A class's images do not depend on which other classes are drawn.
    expect(await first({ seed: 1, classes: ['COVID19', 'PNEUMONIA'] })).toEqual(a);
  });

  it('is leak-free over a full batched pass', async () => {
    const ds = phantomDataset({ perClass: 5, imageSize: 16 });
    const before = tf.memory().numTensors;
    for await (const batch of ds.shuffle(1).batch(4)) {
      batch.images.dispose();
      batch.labels.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects duplicate or unknown classes', () => {
    expect(() => phantomDataset({ classes: ['NORMAL', 'NORMAL'] })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => phantomDataset({ classes: ['NORMAL', 'CAT'] })).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(phantomDataset({ classes: ['NORMAL', 'CAT'], findings: { CAT: 'cardiomegaly' }, perClass: 1 }).size).toBe(2);
  });
});
