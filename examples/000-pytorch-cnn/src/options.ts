import { parseArgs } from 'node:util';
import { numberFlag } from '@cxr/core/node';

/** Everything the seed-000 run can be told. Defaults are the article's. */
export interface Seed000Options {
  /** A folder with `train/` and a held-out `val/`, `valid/` or `test/` beside it; default: the phantom dataset. */
  data?: string;
  /** Class folders to use (default: COVID19 and NORMAL when both exist, else all). */
  classes?: string[];
  epochs: number;
  imageSize: number;
  batchSize: number;
  learningRate: number;
  posWeight: number;
  seed: number;
  /** Where metrics.json, the PNGs and the model go. */
  out: string;
  /** Backend name or 'auto' (default: CXR_BACKEND or auto). */
  backend?: string;
  /** Phantom images per class in train / test. */
  phantomTrain: number;
  phantomTest: number;
  /** Show a progress bar (default: when stderr is a terminal). */
  progress?: boolean;
}

export const ARTICLE_DEFAULTS: Seed000Options = {
  epochs: 50,
  imageSize: 224,
  batchSize: 32,
  learningRate: 0.01,
  posWeight: 1,
  seed: 0,
  out: 'out',
  // The article's split: 112 + 112 train, 30 + 30 validation.
  phantomTrain: 112,
  phantomTest: 30,
};

/** `--quick`: small images, few epochs; finishes in well under two minutes on 2 CPU cores. */
export const QUICK: Partial<Seed000Options> = { epochs: 20, imageSize: 32, batchSize: 16, learningRate: 0.001, phantomTrain: 64, phantomTest: 24 };

const USAGE = `Usage: pnpm --filter @cxr/example-000-pytorch-cnn start [options]

Reproduces "Detecting COVID19 on XRay Images with CNN" (PyTorch) with cxr.

  --data DIR         dataset folder with train/ and val|valid|test/ (default: synthetic phantom)
  --classes A,B      class folders to use (default: COVID19,NORMAL when present)
  --epochs N         training epochs (default 50)
  --image-size S     Resize(S) + CenterCrop(S) (default 224)
  --batch-size N     (default 32)
  --lr X             Adam learning rate (default 0.01)
  --pos-weight X     BCEWithLogitsLoss pos_weight (default 1)
  --seed N           seeds shuffling, dropout and weights (default 0)
  --backend NAME     auto | tensorflow | webgpu | wasm | cpu (default: $CXR_BACKEND or auto)
  --quick            32 px, 20 epochs, batch 16, lr 0.001, 64 + 24 phantom images per class (explicit flags still win)
  --out DIR          output folder (default out)
  -h, --help         this text`;

export function parseOptions(argv: string[]): Seed000Options | null {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      data: { type: 'string' },
      classes: { type: 'string' },
      epochs: { type: 'string' },
      'image-size': { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'pos-weight': { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return null;
  }
  const explicit: Partial<Seed000Options> = {
    data: values.data,
    classes: values.classes?.split(',').map((c) => c.trim()).filter(Boolean),
    epochs: numberFlag('epochs', values.epochs, true, USAGE),
    imageSize: numberFlag('image-size', values['image-size'], true, USAGE),
    batchSize: numberFlag('batch-size', values['batch-size'], true, USAGE),
    learningRate: numberFlag('lr', values.lr, false, USAGE),
    posWeight: numberFlag('pos-weight', values['pos-weight'], false, USAGE),
    seed: numberFlag('seed', values.seed, true, USAGE),
    backend: values.backend,
    out: values.out,
  };
  const defined = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined));
  return { ...ARTICLE_DEFAULTS, ...(values.quick ? QUICK : {}), ...defined } as Seed000Options;
}
