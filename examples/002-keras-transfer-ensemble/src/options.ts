import { parseArgs } from 'node:util';
import { numberFlag } from '@cxr/core/node';

/** Everything the seed-002 run can be told. Defaults are the article's. */
export interface Seed002Options {
  /** A folder with train/ and test/ class folders (flow_from_directory); default: the phantom set. */
  data?: string;
  /** Backbones of the three members, by registry name. */
  members: string[];
  epochs: number;
  /** Epochs of each trainable ensemble's head. */
  ensembleEpochs: number;
  imageSize: number;
  batchSize: number;
  learningRate: number;
  labelSmoothing: number;
  /** EarlyStopping(val_loss) patience (the article: 5); ReduceLROnPlateau patience is 3. */
  patience: number;
  seed: number;
  out: string;
  backend?: string;
  phantomTrain: number;
  phantomTest: number;
}

export const ARTICLE_DEFAULTS: Seed002Options = {
  members: ['densenet201', 'efficientnetb7', 'vgg16'],
  epochs: 30,
  ensembleEpochs: 10,
  imageSize: 224,
  batchSize: 16,
  learningRate: 1e-4,
  labelSmoothing: 0.1,
  patience: 5,
  seed: 0,
  out: 'out',
  phantomTrain: 60,
  phantomTest: 20,
};

/**
 * `--quick`: the small siblings of the article's backbones (DenseNet121, EfficientNetB0, MobileNet:
 * DenseNet201 + EfficientNetB7 + VGG16 take minutes per epoch on a CPU), 64 px (the smallest at which the article's 2×2 pooling heads fit), 3 + 3 epochs, small phantom set.
 */
export const QUICK: Partial<Seed002Options> = { members: ['densenet121', 'efficientnetb0', 'mobilenet'], imageSize: 64, epochs: 3, ensembleEpochs: 3, learningRate: 1e-3, phantomTrain: 16, phantomTest: 8 };

export const USAGE = `Usage: pnpm --filter @cxr/example-002-keras-transfer-ensemble start [options]

Reproduces the Keras transfer-learning + ensemble article (DenseNet201, EfficientNetB7, VGG16;
label smoothing; ensembles at the probability and the dense level) with cxr.

  --data DIR           folder with train/ and test/ class folders (default: synthetic phantom)
  --members A,B,C      backbones (default densenet201,efficientnetb7,vgg16)
  --epochs N           epochs per member (default 30)
  --ensemble-epochs N  epochs per trainable ensemble (default 10)
  --image-size S       (default 224)
  --batch-size N       (default 16)
  --lr X               Adam learning rate (default 0.0001)
  --label-smoothing X  (default 0.1)
  --seed N             (default 0)
  --backend NAME       auto | tensorflow | webgpu | wasm | cpu
  --quick              densenet121,efficientnetb0,mobilenet at 64 px, 3 + 3 epochs, lr 0.001,
                       small phantom set (explicit flags still win)
  --out DIR            output folder (default out)
  -h, --help           this text`;

export function parseOptions(argv: string[]): Seed002Options | null {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      data: { type: 'string' },
      members: { type: 'string' },
      epochs: { type: 'string' },
      'ensemble-epochs': { type: 'string' },
      'image-size': { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'label-smoothing': { type: 'string' },
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
  const explicit: Partial<Seed002Options> = {
    data: values.data,
    members: values.members?.split(',').map((m) => m.trim().toLowerCase()).filter(Boolean),
    epochs: numberFlag('epochs', values.epochs, true, USAGE),
    ensembleEpochs: numberFlag('ensemble-epochs', values['ensemble-epochs'], true, USAGE),
    imageSize: numberFlag('image-size', values['image-size'], true, USAGE),
    batchSize: numberFlag('batch-size', values['batch-size'], true, USAGE),
    learningRate: numberFlag('lr', values.lr, false, USAGE),
    labelSmoothing: numberFlag('label-smoothing', values['label-smoothing'], false, USAGE),
    seed: numberFlag('seed', values.seed, true, USAGE),
    backend: values.backend,
    out: values.out,
  };
  const defined = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined));
  return { ...ARTICLE_DEFAULTS, ...(values.quick ? QUICK : {}), ...defined } as Seed002Options;
}
