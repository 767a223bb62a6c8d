import { parseArgs } from 'node:util';
import { numberFlag } from '@cxr/core/node';

/** Everything the seed-001 run can be told. Defaults follow the article (fastai defaults where it is silent). */
export interface Seed001Options {
  /** The covid-chestxray-dataset folder (metadata.csv + images/); default: the phantom dataset. */
  data?: string;
  /** fastai `fine_tune`: epochs with the body frozen, then epochs unfrozen. */
  freezeEpochs: number;
  epochs: number;
  imageSize: number;
  batchSize: number;
  /** Base learning rate (fastai's fine_tune default 2e-3); `--lr auto` takes the lr finder's valley. */
  learningRate: number | 'auto';
  /** Fraction of *patients* held out (fastai valid_pct 0.2). */
  validPct: number;
  /** lr finder iterations (fastai: 100). */
  lrFindIterations: number;
  seed: number;
  out: string;
  backend?: string;
  phantomPerClass: number;
}

export const ARTICLE_DEFAULTS: Seed001Options = {
  freezeEpochs: 1,
  epochs: 4,
  imageSize: 224,
  batchSize: 16,
  learningRate: 2e-3,
  validPct: 0.2,
  lrFindIterations: 100,
  seed: 0,
  out: 'out',
  phantomPerClass: 40,
};

/** `--quick`: 32 px, 1 + 2 epochs, 12-step lr finder, small phantom set (ResNet50 is heavy on a CPU). */
export const QUICK: Partial<Seed001Options> = { imageSize: 32, freezeEpochs: 1, epochs: 2, lrFindIterations: 12, phantomPerClass: 24 };

export const USAGE = `Usage: pnpm --filter @cxr/example-001-fastai-metadata-resnet50 start [options]

Reproduces "Using X-Ray Images to detect COVID-19 Patients" (fastai, ResNet50) with cxr:
metadata.csv → X-ray PA rows → COVID-19 vs other → patient-level split → lr finder →
fine_tune (one-cycle) → confusion matrix, top losses, leakage report.

  --data DIR           covid-chestxray-dataset folder with metadata.csv and images/ (default: phantom)
  --freeze-epochs N    epochs with the ResNet50 body frozen (default 1)
  --epochs N           epochs after unfreezing (default 4)
  --image-size S       (default 224)
  --batch-size N       (default 16)
  --lr X|auto          base learning rate (default 0.002); auto = the lr finder's valley
  --valid-pct X        fraction of patients held out (default 0.2)
  --lr-find-iters N    (default 100)
  --seed N             (default 0)
  --backend NAME       auto | tensorflow | webgpu | wasm | cpu
  --quick              32 px, 1 + 2 epochs, 12 lr-finder steps (explicit flags still win)
  --out DIR            output folder (default out)
  -h, --help           this text`;

export function parseOptions(argv: string[]): Seed001Options | null {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      data: { type: 'string' },
      'freeze-epochs': { type: 'string' },
      epochs: { type: 'string' },
      'image-size': { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'valid-pct': { type: 'string' },
      'lr-find-iters': { type: 'string' },
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
  const explicit: Partial<Seed001Options> = {
    data: values.data,
    freezeEpochs: numberFlag('freeze-epochs', values['freeze-epochs'], true, USAGE),
    epochs: numberFlag('epochs', values.epochs, true, USAGE),
    imageSize: numberFlag('image-size', values['image-size'], true, USAGE),
    batchSize: numberFlag('batch-size', values['batch-size'], true, USAGE),
    learningRate: values.lr === 'auto' ? 'auto' : numberFlag('lr', values.lr, false, USAGE),
    validPct: numberFlag('valid-pct', values['valid-pct'], false, USAGE),
    lrFindIterations: numberFlag('lr-find-iters', values['lr-find-iters'], true, USAGE),
    seed: numberFlag('seed', values.seed, true, USAGE),
    backend: values.backend,
    out: values.out,
  };
  const defined = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined));
  return { ...ARTICLE_DEFAULTS, ...(values.quick ? QUICK : {}), ...defined } as Seed001Options;
}
