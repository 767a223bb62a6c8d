// Keras-style training: categorical cross-entropy with label smoothing, early stopping, LR on plateau.
// #region usage
import { phantomDataset, validationSplit } from '@cxr/data';
import { lungClassifier } from '@cxr/models';
import { earlyStopping, fit, reduceLROnPlateau } from '@cxr/train';

export async function trainLungClassifier(imageSize = 256, epochs = 50) {
  const data = phantomDataset({ classes: ['COVID19', 'NORMAL', 'PNEUMONIA'], perClass: 12, imageSize, channels: 1, seed: 0 });
  const { train, validation } = validationSplit(data, 0.25, { mode: 'random', seed: 0 });
  const model = lungClassifier({ inputShape: [imageSize, imageSize, 1], numClasses: 3, seed: 0 });
  const history = await fit(model, train, {
    epochs,
    batchSize: 8,
    optimizer: 'adam',
    learningRate: 1e-3,
    loss: 'categoricalCrossentropy',
    labelSmoothing: 0.1,
    validationData: validation,
    callbacks: [
      earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true }),
      reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2, minLr: 1e-6 }),
    ],
  });
  model.dispose();
  return history;
}
// #endregion usage
