import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRng } from '@cxr/core';
import { fit, type TrainingCheckpoint } from '@cxr/train';
import { loadTrainingCheckpoint } from '@cxr/train/node';
import { useBackend } from './helpers.js';
import { STEPS_PER_EPOCH, TINY_EPOCHS, tinyData, tinyModel, tinyOptions, weightBytes } from './fixtures/tiny-run.js';

const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/resume-child.ts', import.meta.url));
// The package directory: tsx resolves @cxr/* to sources through its tsconfig paths.
const cwd = fileURLToPath(new URL('..', import.meta.url));

const PHASES = ['writing', 'partial', 'written', 'swapping'] as const;
const SLOTS = STEPS_PER_EPOCH + PHASES.length;

/** Slot k of the run's timeline: the end of a step, or a phase of the checkpoint write of an epoch. */
function killPoint(slot: number): { spec: string; epoch: number; inWrite: (typeof PHASES)[number] | null } {
  const epoch = Math.floor(slot / SLOTS);
  const k = slot % SLOTS;
  if (k < STEPS_PER_EPOCH) return { spec: `step:${epoch * STEPS_PER_EPOCH + k}`, epoch, inWrite: null };
  const phase = PHASES[k - STEPS_PER_EPOCH] as (typeof PHASES)[number];
  return { spec: `phase:${epoch}:${phase}`, epoch, inWrite: phase };
}

/** Run the child; with a kill point, SIGKILL it when it says it reached it. */
function runChild(dir: string, spec: string): Promise<{ killed: boolean; out: string }> {
  return new Promise((done, fail) => {
    const p = spawn(tsx, [child, dir, spec], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('paused')) p.kill('SIGKILL');
    });
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') done({ killed: true, out });
      else if (code === 0) done({ killed: false, out });
      else fail(new Error(`child exited ${code}: ${out}\n${err}`));
    });
  });
}

let root: string;
let reference: Uint8Array[];

beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'cxr-kill-resume-'));
  const model = tinyModel();
  await fit(model, tinyData(), tinyOptions());
  reference = weightBytes(model);
  model.dispose();
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function resumeToEnd(resume: TrainingCheckpoint): Promise<Uint8Array[]> {
  const model = tinyModel(42);
  await fit(model, tinyData(), { ...tinyOptions(), seed: undefined, resume });
  const bytes = weightBytes(model);
  model.dispose();
  return bytes;
}

it('SIGKILLed 10 times at seeded points (steps and every phase of a checkpoint write), the run always resumes and ends bit-identical', async () => {
  const dir = join(root, 'run');
  // Ten distinct points spread over epochs 1…5 (epoch 0 has no checkpoint to fall back on yet).
  const slots = createRng(2026)
    .shuffle(Array.from({ length: (TINY_EPOCHS - 1) * SLOTS }, (_, i) => SLOTS + i))
    .slice(0, 10)
    .sort((a, b) => a - b);
  const points = slots.map(killPoint);
  expect(new Set(points.map((p) => p.inWrite)).size).toBeGreaterThan(2);

  let lastEpoch = -1;
  // Each resume check runs while the next child starts (it works on the loaded copy).
  const checks: Promise<void>[] = [];
  for (const point of points) {
    const { killed, out } = await runChild(dir, point.spec);
    expect(killed, `${point.spec}: ${out}`).toBe(true);
    // (a) the latest checkpoint loads, and is the one the kill point allows.
    const cp = await loadTrainingCheckpoint(dir);
    const expected = point.inWrite === 'swapping' ? point.epoch : point.epoch - 1;
    expect(cp.epoch, point.spec).toBe(expected);
    expect(cp.epoch).toBeGreaterThanOrEqual(lastEpoch);
    lastEpoch = cp.epoch;
    expect((await readdir(root)).filter((e) => e !== 'run')).toEqual([]);
    // (b) resuming from it to the end gives the uninterrupted run's weights, bit for bit.
    checks.push(resumeToEnd(cp).then((bytes) => expect(bytes, point.spec).toEqual(reference)));
  }
  await Promise.all(checks);

  // The chain of killed runs, finished by one more child, also ends there.
  const { killed } = await runChild(dir, 'none');
  expect(killed).toBe(false);
  const final = await loadTrainingCheckpoint(dir);
  expect(final.epoch).toBe(TINY_EPOCHS - 1);
  expect(final.weights.map((w) => new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength))).toEqual(reference);
}, 120_000);
