/**
 * `pnpm bench`: training and inference throughput of models A (seed 000 CNN, 224×224×3) and
 * B (seed 004 LungClassifier, 512×512×1) on every tfjs backend this process can start, against
 * the identical PyTorch models when `python3` can import torch. Never part of the tests.
 *
 *   pnpm bench [--quick] [--model A,B[,mobilenetv2,resnet50,…]] [--backend wasm,cpu,webgpu] [--phase train,infer]
 *              [--steps 5] [--warmup 2] [--micro 8] [--no-torch] [--no-loader] [--native on|off|both] [--out bench/results.json]
 *
 * wasm and cpu run with @cxr/native's kernels ("wasm+native") when the addon loads; by default
 * wasm also runs without them ("wasm": tfjs-backend-wasm plus cxr's own wasm kernels), so one
 * run shows what the addon adds. --native on|off picks one of the two.
 *
 * Output: a table on stdout and bench/results.json,
 *   [{ model, phase, backend, batch, imagesPerSec, reference: { engine, imagesPerSec } | null, ratio }]
 * with ratio = tfjs ÷ PyTorch images/s (> 1: tfjs faster). See docs/performance.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import '@tensorflow/tfjs-layers';
import { describeBackend, selectBackend, type BackendName } from '../packages/core/src/index.js';
import { setNativeKernelsEnabled } from '../packages/native/src/index.js';
import { measureLoader } from './loader.js';
import { measure } from './measure.js';
import { benchModel, type ModelId, type Phase } from './models.js';
import { runTorch, torchUnavailable, type TorchResult } from './torch-reference.js';

interface Args {
  quick: boolean;
  models: ModelId[];
  backends: BackendName[] | null;
  phases: Phase[];
  steps: number;
  warmup: number;
  micro: number | null;
  torch: boolean;
  loader: boolean;
  native: 'on' | 'off' | 'both';
  out: string;
}

export interface ResultRow {
  model: string;
  phase: string;
  backend: string;
  batch: number;
  imagesPerSec: number;
  reference: { engine: string; imagesPerSec: number } | null;
  ratio: number | null;
  /** Extra facts: threads, micro-batches, %-of-peak, step times, leaks. */
  notes?: Record<string, unknown>;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = <T extends string>(name: string, fallback: T[]): T[] => (value(name)?.split(',').map((s) => s.trim()) as T[]) ?? fallback;
  const quick = argv.includes('--quick');
  return {
    quick,
    models: list<ModelId>('model', ['A', 'B']),
    backends: value('backend') ? list<BackendName>('backend', []) : null,
    phases: list<Phase>('phase', ['train', 'infer']),
    steps: Number(value('steps') ?? (quick ? 2 : 5)),
    warmup: Number(value('warmup') ?? (quick ? 1 : 2)),
    micro: value('micro') ? Number(value('micro')) : null,
    torch: !argv.includes('--no-torch'),
    loader: !argv.includes('--no-loader') && !quick,
    native: (value('native') ?? 'both') as Args['native'],
    out: value('out') ?? 'bench/results.json',
  };
}

/** The batch a row runs at: the articles' batches; --quick trains A at 8 (one micro-batch). */
function batchFor(args: Args, model: ModelId, phase: Phase): number {
  return args.quick && model === 'A' && phase === 'train' ? 8 : benchModel(model).batch[phase];
}

/** The pure-JS cpu backend needs minutes per step of model A (≈ 0.004 img/s training, 0.24 inference): only when asked for by name. */
const tooSlow = (args: Args, backend: BackendName, model: ModelId) => args.backends === null && backend === 'cpu' && model === 'A';

const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : x.toFixed(digits));

function printTable(rows: ResultRow[]): void {
  const header = ['model', 'phase', 'backend', 'batch', 'img/s', 'PyTorch img/s', 'ratio', 'notes'];
  const lines = rows.map((r) => [
    r.model,
    r.phase,
    r.backend,
    String(r.batch),
    fmt(r.imagesPerSec),
    fmt(r.reference?.imagesPerSec),
    r.ratio === null ? '—' : `${fmt(r.ratio)}×`,
    Object.entries(r.notes ?? {})
      .filter(([k]) => k !== 'stepSeconds')
      .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : String(v)}`)
      .join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => (i < 3 || i === 7 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const wanted: BackendName[] = args.backends ?? ['wasm', 'webgpu', 'cpu'];
  console.log(`cxr bench — ${new Date().toISOString()}, Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`);
  console.log(`warm-up ${args.warmup}, timed ${args.steps} steps (median); models ${args.models.join(',')}; phases ${args.phases.join(',')}\n`);

  const rows: ResultRow[] = [];
  const started: BackendName[] = [];
  for (const backend of wanted) {
    let threads: number | undefined;
    let choice: Awaited<ReturnType<typeof selectBackend>>;
    try {
      choice = await selectBackend({ backend });
      threads = choice.threads?.count;
      started.push(backend);
      console.log(`backend ${describeBackend(choice)}`);
    } catch (error) {
      console.log(`backend ${backend}: skipped (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    // With the native addon active: the same rows without it first (same process, same models).
    const variants = choice.native?.active ? (args.native === 'both' ? [false, true] : [args.native === 'on']) : [false];
    for (const native of variants) {
      setNativeKernelsEnabled(native);
      const label = native ? `${backend}+native` : backend;
      for (const model of args.models) {
        for (const phase of args.phases) {
          const batch = batchFor(args, model, phase);
          if (tooSlow(args, backend, model)) {
            console.log(`  ${model} ${phase} on cpu: skipped (minutes per step; --backend cpu --model A to force it)`);
            continue;
          }
          const spec = benchModel(model);
          const m = measure(spec, { phase, batch, microBatch: args.micro ?? spec.microBatch, warmup: args.warmup, steps: args.steps });
          if (m.leakedTensors !== 0) throw new Error(`${model} ${phase} on ${backend} leaks ${m.leakedTensors} tensors per step`);
          const flops = phase === 'train' ? spec.trainFlopsPerImage * m.imagesPerSec : 0;
          const notes: Record<string, unknown> = { ...(threads ? { threads } : {}) };
          if (model !== 'A' && model !== 'B') notes['params'] = spec.params;
          if (m.microBatches > 1) notes['micro'] = `${m.microBatches}×${Math.ceil(batch / m.microBatches)}`;
          if (flops) notes['GFLOP/s'] = flops / 1e9;
          notes['stepSeconds'] = m.stepSeconds.map((s) => +s.toFixed(3));
          rows.push({ model, phase, backend: label, batch, imagesPerSec: m.imagesPerSec, reference: null, ratio: null, notes });
          console.log(`  ${label} ${model} ${phase} batch ${batch}: ${fmt(m.imagesPerSec)} img/s (steps ${m.stepSeconds.map((s) => s.toFixed(2)).join(', ')} s)`);
        }
      }
    }
    setNativeKernelsEnabled(true);
  }

  if (args.loader && args.models.includes('A') && started.length > 0) {
    // The trainer side runs on the best backend that started (the first in the list).
    const backend = started[0] as BackendName;
    await selectBackend({ backend });
    const f = await measureLoader(8, args.quick ? 8 : 24, 16);
    console.log(`  loader: ${fmt(f.loaderImagesPerSec)} img/s alone; A train fed by it ${fmt(f.trainWithLoaderImagesPerSec)} img/s`);
    rows.push({ model: 'loader', phase: 'load', backend: 'sharp', batch: 8, imagesPerSec: f.loaderImagesPerSec, reference: null, ratio: null, notes: { images: f.images } });
    rows.push({ model: 'A', phase: 'train+load', backend, batch: 8, imagesPerSec: f.trainWithLoaderImagesPerSec, reference: null, ratio: null, notes: { images: f.trainImages } });
  }

  let torch: TorchResult | null = null;
  const why = args.torch ? torchUnavailable() : 'disabled by --no-torch';
  if (why) console.log(`\nPyTorch reference: skipped (${why})`);
  else {
    const wantedRows = [...new Map(rows.filter((r) => r.phase === 'train' || r.phase === 'infer').map((r) => [`${r.model}/${r.phase}/${r.batch}`, { model: r.model as ModelId, phase: r.phase as Phase, batch: r.batch }])).values()];
    console.log(`\nPyTorch reference: ${wantedRows.length} rows …`);
    torch = runTorch(wantedRows, { steps: args.steps, warmup: args.warmup, threads: Math.min(2, cpus().length) });
    for (const r of rows) {
      const ref = torch.rows.find((t) => t.model === r.model && t.phase === r.phase && t.batch === r.batch);
      if (!ref) continue;
      r.reference = { engine: torch.engine, imagesPerSec: ref.imagesPerSec };
      r.ratio = r.imagesPerSec / ref.imagesPerSec;
    }
    for (const t of torch.rows) {
      rows.push({ model: t.model, phase: t.phase, backend: 'pytorch', batch: t.batch, imagesPerSec: t.imagesPerSec, reference: null, ratio: null, notes: { params: t.params } });
    }
  }

  console.log('');
  printTable(rows);
  writeFileSync(args.out, `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`\nwrote ${args.out}`);
}

await main();
