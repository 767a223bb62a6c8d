import { parseArgs } from 'node:util';
import { numberFlag } from '@cxr/core/node';

/** Everything the seed-003 run can be told. Defaults are the article's. */
export interface Seed003Options {
  /** Class folders (COVID19/NORMAL/PNEUMONIA…), or a folder with train/ (and test/) of them, pooled; default: phantom. */
  data?: string;
  epochs: number;
  /** cv2.resize(img, (S, S)): aspect ratio ignored. */
  imageSize: number;
  batchSize: number;
  learningRate: number;
  /** Fraction held out for testing (the article: the first 20% after a shuffle). */
  testSize: number;
  /** Per-channel percentile of the white balance (the article: 0.05). */
  whiteBalance: number;
  /** Apply CLAHE (clip 2, 8×8 tiles) after white balance — not in the article; off by default. */
  clahe: boolean;
  /** MobileNetV2 width multiplier (the article: 1.0). */
  alpha: number;
  /** A tfjs layers-model artifact with (converted) ImageNet MobileNetV2 weights; default: train from scratch. */
  weights?: string;
  /** .npy cache of the preprocessed images (default: <out>/cache); '' disables it. */
  cacheDir?: string;
  seed: number;
  out: string;
  backend?: string;
  phantomPerClass: number;
}

export const ARTICLE_DEFAULTS: Seed003Options = {
  epochs: 50,
  imageSize: 224,
  batchSize: 16,
  learningRate: 0.001,
  testSize: 0.2,
  whiteBalance: 0.05,
  clahe: false,
  alpha: 1,
  seed: 0,
  out: 'out',
  phantomPerClass: 60,
};

/** `--quick`: 64 px, α 0.35, 4 epochs, 24 phantom images per class. */
export const QUICK: Partial<Seed003Options> = { epochs: 4, imageSize: 64, alpha: 0.35, phantomPerClass: 24 };

export const USAGE = `Usage: pnpm --filter @cxr/example-003-covidlite-mobilenetv2 start [options]

Reproduces "COVID-19 detection from chest X-rays with MobileNetV2" (COVIDLite) with cxr:
EDA → white balance → .npy cache → 80:20 split → augmentation → MobileNetV2 + head →
report, ROC, confusion matrix, prediction grid, Grad-CAM.

  --data DIR          class folders, or train/ + test/ of them, pooled (default: synthetic phantom)
  --weights PATH      tfjs layers-model with ImageNet MobileNetV2 weights (default: from scratch)
  --epochs N          (default 50)
  --image-size S      (default 224)
  --batch-size N      (default 16)
  --lr X              Adam learning rate (default 0.001)
  --test-size X       held-out fraction (default 0.2)
  --clahe             CLAHE after white balance (not in the article)
  --alpha X           MobileNetV2 width multiplier (default 1.0)
  --cache DIR         .npy cache folder (default <out>/cache; --cache '' to disable)
  --seed N            (default 0)
  --backend NAME      auto | tensorflow | webgpu | wasm | cpu
  --quick             64 px, alpha 0.35, 4 epochs, small phantom set (explicit flags still win)
  --out DIR           output folder (default out)
  -h, --help          this text`;

export function parseOptions(argv: string[]): Seed003Options | null {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      data: { type: 'string' },
      weights: { type: 'string' },
      epochs: { type: 'string' },
      'image-size': { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'test-size': { type: 'string' },
      clahe: { type: 'boolean', default: false },
      alpha: { type: 'string' },
      cache: { type: 'string' },
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
  const explicit: Partial<Seed003Options> = {
    data: values.data,
    weights: values.weights,
    epochs: numberFlag('epochs', values.epochs, true, USAGE),
    imageSize: numberFlag('image-size', values['image-size'], true, USAGE),
    batchSize: numberFlag('batch-size', values['batch-size'], true, USAGE),
    learningRate: numberFlag('lr', values.lr, false, USAGE),
    testSize: numberFlag('test-size', values['test-size'], false, USAGE),
    clahe: values.clahe ? true : undefined,
    alpha: numberFlag('alpha', values.alpha, false, USAGE),
    cacheDir: values.cache,
    seed: numberFlag('seed', values.seed, true, USAGE),
    backend: values.backend,
    out: values.out,
  };
  const defined = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined));
  return { ...ARTICLE_DEFAULTS, ...(values.quick ? QUICK : {}), ...defined } as Seed003Options;
}
