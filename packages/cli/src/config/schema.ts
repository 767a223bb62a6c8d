import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** The synthetic phantom dataset (offline, any size): the default source. */
const phantomData = z.strictObject({
  source: z.literal('phantom'),
  /** Class names (sorted, like ImageFolder). */
  classes: z.array(z.string().min(1)).min(2).default(['COVID19', 'NORMAL', 'PNEUMONIA']),
  /** Images per class before the validation split. */
  /**
   * The finding each class shows, for class names the phantom does not know (known: normal, covid19,
   * pneumonia, effusion, ...): `{ "A": "ground-glass" }`. Findings: normal, ground-glass,
   * consolidation, effusion, cardiomegaly.
   */
  findings: z.record(z.string(), z.enum(['normal', 'ground-glass', 'consolidation', 'effusion', 'cardiomegaly'])).optional(),
  trainPerClass: positiveInt.default(40),
  testPerClass: positiveInt.default(12),
  channels: z.union([z.literal(1), z.literal(3)]).default(1),
  validationSplit: z.number().min(0).lt(1).default(0.2),
});

/** A folder with `train/` and `test/` class folders (Keras flow_from_directory / torchvision ImageFolder layout). */
const folderData = z.strictObject({
  source: z.literal('folder'),
  /** Relative paths are relative to the config file. */
  path: z.string().min(1),
  channels: z.union([z.literal(1), z.literal(3)]).default(1),
  validationSplit: z.number().min(0).lt(1).default(0.2),
});

const model = z.discriminatedUnion('type', [
  /** The seed-000 CNN: one logit, binary (exactly 2 classes). */
  z.strictObject({ type: z.literal('covidCnn') }),
  /** The seed-004 Keras LungClassifier: softmax over the classes. */
  z.strictObject({ type: z.literal('lungClassifier') }),
  /** A registry backbone (`createBackbone`) with the COVID-Lite head (`transferModel`); needs 3 channels. */
  z.strictObject({
    type: z.literal('transfer'),
    backbone: z.string().min(1),
    head: z.literal('covidLite').default('covidLite'),
    /** Freeze the backbone (train the head only). */
    freeze: z.boolean().default(true),
  }),
]);

const augment = z.strictObject({
  rotationRange: z.number().min(0).max(180).default(0),
  zoomRange: z.number().min(0).lt(1).default(0),
  widthShiftRange: z.number().min(0).lt(1).default(0),
  heightShiftRange: z.number().min(0).lt(1).default(0),
  horizontalFlip: z.boolean().default(false),
});

/** The schema of `cxr.config.json` / `cxr.config.ts`; every field but `data` and `model` has a default. */
export const configSchema = z
  .strictObject({
    data: z.discriminatedUnion('source', [phantomData, folderData]),
    model,
    /** Images are resized to imageSize × imageSize. */
    imageSize: z.number().int().min(16).max(1024).default(64),
    epochs: positiveInt.default(10),
    batchSize: positiveInt.default(16),
    learningRate: z.number().positive().max(10).default(0.001),
    /** `true`: rotation 15°, zoom 0.2, shifts 0.05 (seed 004's ImageDataGenerator); or each range. */
    augment: z.union([z.boolean(), augment]).default(false),
    seed: z.number().int().min(0).default(0),
    /** Where every command writes (model/, history.json, evaluation.json, report.html, ...); relative to the config file. */
    outDir: z.string().min(1).default('cxr-out'),
    backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
    evaluation: z
      .strictObject({
        /** Bootstrap resamples for the 95% confidence intervals. */
        bootstrap: z.number().int().min(10).default(200),
        /** Grad-CAM overlays of the worst test predictions in the report. */
        gradCamSamples: z.number().int().min(0).max(32).default(4),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.model.type === 'covidCnn' && config.data.source === 'phantom' && config.data.classes.length !== 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'classes'],
        message: `covidCnn has one output (binary): give exactly 2 classes, got ${config.data.classes.length}.`,
      });
    }
    if (config.model.type === 'transfer' && config.data.channels !== 3) {
      ctx.addIssue({ code: 'custom', path: ['data', 'channels'], message: 'transfer backbones take RGB images: set channels to 3.' });
    }
    if (config.data.source === 'phantom' && new Set(config.data.classes).size !== config.data.classes.length) {
      ctx.addIssue({ code: 'custom', path: ['data', 'classes'], message: 'class names must be unique.' });
    }
  });

/** A config as written (defaults optional). */
export type CxrConfigInput = z.input<typeof configSchema>;
/** A validated config with every default filled in (paths not yet resolved). */
export type CxrConfig = z.output<typeof configSchema>;

/** Type-checks a `cxr.config.ts` default export: `export default defineConfig({ ... })`. */
export function defineConfig(config: CxrConfigInput): CxrConfigInput {
  return config;
}
