import { join } from 'node:path';

/** Where the commands read and write inside a run's output folder. */
export function runFiles(outDir: string) {
  return {
    model: join(outDir, 'model'),
    config: join(outDir, 'config.json'),
    history: join(outDir, 'history.json'),
    train: join(outDir, 'train.json'),
    leakage: join(outDir, 'leakage.json'),
    evaluation: join(outDir, 'evaluation.json'),
    predictions: join(outDir, 'predictions.json'),
    gradcam: join(outDir, 'gradcam'),
    explain: join(outDir, 'explain'),
    report: join(outDir, 'report.html'),
  };
}

export type RunFiles = ReturnType<typeof runFiles>;

/** What `train` stores in model.json's userDefinedMetadata, so `predict`/`explain` need no config. */
export interface ModelMeta {
  classes: string[];
  imageSize: number;
  channels: 1 | 3;
  /** `'logit'`: one output, sigmoid gives class 1's probability (covidCnn); `'softmax'`: one probability per class. */
  output: 'logit' | 'softmax';
  modelType: string;
}
