import { parseArgs } from 'node:util';
import { numberFlag } from '@cxr/core/node';

/** Everything the seed-004 run can be told. Defaults are the article's. */
export interface Seed004Options {
  /** A folder with `train/` and `test/` (Keras flow_from_directory layout); default: the phantom dataset. */
  data?: string;
  epochs: number;
  /** target_size (S, S): resized to exactly S × S, aspect ratio overridden, grayscale. */
  imageSize: number;
  batchSize: number;
  learningRate: number;
  /** ImageDataGenerator(validation_split=…). */
  validationSplit: number;
  /** The article's augmentation (zoom 0.2, rotation 15, shifts 0.05); off with --no-augment. */
  augment: boolean;
  /** EarlyStopping(monitor='val_auc', mode='max', patience=N); the article defined it but trained without: 0 = off. */
  earlyStoppingPatience: number;
  seed: number;
  out: string;
  backend?: string;
  /** Phantom images per class in train (before the validation split) / test. */
  phantomTrain: number;
  phantomTest: number;
}

export const ARTICLE_DEFAULTS: Seed004Options = {
  epochs: 40,
  imageSize: 512,
  batchSize: 16,
  learningRate: 0.005,
  validationSplit: 0.2,
  augment: true,
  earlyStoppingPatience: 0,
  seed: 0,
  out: 'out',
  // cxr3's sizes: ~70-111 train and 20-26 test images per class.
  phantomTrain: 80,
  phantomTest: 22,
};

/** `--quick`: 128 px, 25 epochs, small phantom set; well under a minute on 2 CPU cores. */
export const QUICK: Partial<Seed004Options> = { epochs: 25, imageSize: 128, phantomTrain: 40, phantomTest: 12 };

export const USAGE = `Usage: pnpm --filter @cxr/example-004-keras-lung-classifier start [options]

Reproduces the Keras "LungClassifier" article (3 classes: COVID19, NORMAL, PNEUMONIA) with cxr.

  --data DIR             dataset folder with train/ and test/ (default: synthetic phantom)
  --epochs N             (default 40)
  --image-size S         target_size S × S, grayscale (default 512)
  --batch-size N         (default 16)
  --lr X                 Adam learning rate (default 0.005)
  --validation-split X   fraction of train/ held out for validation (default 0.2)
  --no-augment           switch off zoom 0.2 / rotation 15 / shift 0.05
  --early-stopping N     EarlyStopping on val_auc with patience N (default off, as the article)
  --seed N               (default 0)
  --backend NAME         auto | tensorflow | webgpu | wasm | cpu
  --quick                128 px, 25 epochs, small phantom set (explicit flags still win)
  --out DIR              output folder (default out)
  -h, --help             this text`;

export function parseOptions(argv: string[]): Seed004Options | null {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      data: { type: 'string' },
      epochs: { type: 'string' },
      'image-size': { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'validation-split': { type: 'string' },
      'no-augment': { type: 'boolean', default: false },
      'early-stopping': { type: 'string' },
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
  const explicit: Partial<Seed004Options> = {
    data: values.data,
    epochs: numberFlag('epochs', values.epochs, true, USAGE),
    imageSize: numberFlag('image-size', values['image-size'], true, USAGE),
    batchSize: numberFlag('batch-size', values['batch-size'], true, USAGE),
    learningRate: numberFlag('lr', values.lr, false, USAGE),
    validationSplit: numberFlag('validation-split', values['validation-split'], false, USAGE),
    augment: values['no-augment'] ? false : undefined,
    earlyStoppingPatience: numberFlag('early-stopping', values['early-stopping'], true, USAGE),
    seed: numberFlag('seed', values.seed, true, USAGE),
    backend: values.backend,
    out: values.out,
  };
  const defined = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined));
  return { ...ARTICLE_DEFAULTS, ...(values.quick ? QUICK : {}), ...defined } as Seed004Options;
}
