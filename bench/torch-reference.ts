/** Runs reference_torch.py when `python3` can import torch; null (and why) otherwise. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ModelId, Phase } from './models.js';

export interface TorchRow {
  model: ModelId;
  phase: Phase;
  batch: number;
  imagesPerSec: number;
  params: number;
}

export interface TorchResult {
  engine: string;
  rows: TorchRow[];
}

const script = fileURLToPath(new URL('./reference_torch.py', import.meta.url));
/** CXR_BENCH_PYTHON, else the first of `python3` on PATH and the system's that imports torch. */
let chosen: string | null = null;
const candidates = () => (process.env['CXR_BENCH_PYTHON'] ? [process.env['CXR_BENCH_PYTHON']] : ['python3', '/usr/bin/python3']);
const python = () => chosen ?? 'python3';

/** Why PyTorch cannot be run, or null when it can (and then which interpreter runs it). */
export function torchUnavailable(): string | null {
  for (const candidate of candidates()) {
    const probe = spawnSync(candidate, ['-c', 'import torch'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) {
      chosen = candidate;
      return null;
    }
  }
  return `no python among ${candidates().join(', ')} can import torch (Debian: apt-get install python3-torch)`;
}

export function runTorch(rows: { model: ModelId; phase: Phase; batch: number }[], opts: { steps: number; warmup: number; threads: number }): TorchResult {
  const result = spawnSync(
    python(),
    [script, '--rows', JSON.stringify(rows), '--steps', String(opts.steps), '--warmup', String(opts.warmup), '--threads', String(opts.threads)],
    { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (result.status !== 0) throw new Error(`reference_torch.py failed with status ${result.status}`);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as TorchResult;
}
