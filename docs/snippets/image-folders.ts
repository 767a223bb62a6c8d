// Train on your own images: one folder per class, like torchvision's ImageFolder.
// #region usage
import { selectBackend } from '@cxr/core';
import { imageFolder } from '@cxr/data/node';
import { covidCnn } from '@cxr/models';
import { saveModel } from '@cxr/models/node';
import { fit, predict } from '@cxr/train';
import { classificationReport } from '@cxr/metrics';

/** `root/train/<class>/*.png` and `root/test/<class>/*.png` → a trained model in `modelDir`. */
export async function trainOnFolders(root: string, modelDir: string, imageSize = 224, epochs = 50) {
  await selectBackend();
  const opts = { classes: ['COVID19', 'NORMAL'], imageSize, channels: 3, onError: 'skip' } as const;
  const train = await imageFolder(`${root}/train`, opts); // Resize + CenterCrop, values in [0, 1]
  const test = await imageFolder(`${root}/test`, opts);
  console.log(train.report()); // images per class, files skipped and why

  const model = covidCnn({ inputShape: [imageSize, imageSize, 3] });
  await fit(model, train.cache(), { epochs, batchSize: 32, learningRate: 0.01, posWeight: 1, validationData: test });
  const { predictions, labels } = await predict(model, test);
  const report = classificationReport(labels, predictions, { targetNames: [...train.classes], digits: 3 });
  console.log(report.text);
  await saveModel(model, modelDir); // model.json + weights.bin: loads in Node and in browsers
  model.dispose();
  return report;
}
// #endregion usage
