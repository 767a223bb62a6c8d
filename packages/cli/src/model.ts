import type * as tfl from '@tensorflow/tfjs-layers';
import { covidCnn, covidLiteHead, lungClassifier, transferModel } from '@cxr/models';
import type { CxrConfig } from './config/schema';
import type { ModelMeta } from './run-files';

/** The model a config asks for, and how its outputs read. */
export function buildModel(config: CxrConfig, classes: readonly string[]): { model: tfl.LayersModel; meta: ModelMeta } {
  const channels = config.data.channels;
  const inputShape: [number, number, number] = [config.imageSize, config.imageSize, channels];
  const meta = (output: ModelMeta['output']): ModelMeta => ({ classes: [...classes], imageSize: config.imageSize, channels, output, modelType: describeModel(config) });
  switch (config.model.type) {
    case 'covidCnn':
      return { model: covidCnn({ inputShape, seed: config.seed }), meta: meta('logit') };
    case 'lungClassifier':
      return { model: lungClassifier({ inputShape, numClasses: classes.length, seed: config.seed }), meta: meta('softmax') };
    case 'transfer':
      return {
        model: transferModel({
          backbone: config.model.backbone,
          backboneOptions: { inputShape, seed: config.seed },
          head: covidLiteHead({ numClasses: classes.length, seed: config.seed }),
          freeze: config.model.freeze,
        }),
        meta: meta('softmax'),
      };
  }
}

export function describeModel(config: CxrConfig): string {
  return config.model.type === 'transfer' ? `${config.model.backbone} + ${config.model.head} head` : config.model.type;
}
