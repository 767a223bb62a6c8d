import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@cxr/core';
import { cxrMatchers, expectNoLeaks, phantomFixture, toBeCloseTensor, toHaveShape } from '@cxr/testing';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  expect.extend(cxrMatchers);
});

describe('expectNoLeaks', () => {
  it('passes clean work and reports the counts', async () => {
    const report = await expectNoLeaks(() => tf.tidy(() => void tf.add(tf.ones([3]), 1)), { runs: 5 });
    expect(report.leakedPerRun).toBe(0);
    expect(report.runs).toBe(5);
  });

  it('catches one leaked tensor per run, async too', async () => {
    const kept: tf.Tensor[] = [];
    await expect(expectNoLeaks(async () => void kept.push(tf.ones([2])), { runs: 3 })).rejects.toThrow(/3 tensor\(s\) left after 3 run/);
    tf.dispose(kept);
  });

  it('warmup lets lasting state be created once', async () => {
    let cache: tf.Tensor | undefined;
    const lazy = () => {
      cache ??= tf.keep(tf.ones([4]));
    };
    await expect(expectNoLeaks(lazy, { warmup: true, runs: 2 })).resolves.toMatchObject({ leakedPerRun: 0 });
    cache?.dispose();
  });
});

describe('matchers', () => {
  it('toBeCloseTensor compares like numpy.allclose and names the worst element', () => {
    const a = tf.tensor([1, 2, 3]);
    expect(toBeCloseTensor(a, [1, 2, 3.000001]).pass).toBe(true);
    const bad = toBeCloseTensor(a, [1, 2.5, 3]);
    expect(bad.pass).toBe(false);
    expect(bad.message()).toContain('element 1');
    expect(toBeCloseTensor(a, [[1, 2, 3]]).message()).toContain('shape');
    expect(toBeCloseTensor(tf.tensor([Number.NaN]), [0]).pass).toBe(false);
    (expect(a) as unknown as { toBeCloseTensor(e: unknown, t?: number): void }).toBeCloseTensor([1, 2, 3.05], 0.1);
  });

  it('toHaveShape accepts null as a wildcard', () => {
    const t = tf.zeros([2, 8, 8, 1]);
    expect(toHaveShape(t, [null, 8, 8, 1]).pass).toBe(true);
    expect(toHaveShape(t, [2, 8, 8]).pass).toBe(false);
  });
});

describe('phantomFixture', () => {
  it('is small, deterministic and leak-free to iterate', async () => {
    const ds = phantomFixture();
    expect(ds.size).toBe(16);
    expect(ds.classes).toEqual(['COVID19', 'NORMAL']);
    await expectNoLeaks(async () => {
      for await (const { image } of ds.take(3)) {
        expect(image.shape).toEqual([32, 32, 3]);
        image.dispose();
      }
    });
  });
});
