// Transfer learning the COVIDLite way: a MobileNetV2 backbone, the article's head, frozen early blocks.
// #region usage
import { createBackbone, covidLiteHead, listBackbones, summarize, transferModel } from '@cxr/models';

console.log(listBackbones()); // mobilenet, mobilenetv2, resnet50, vgg16, densenet121, …

/** A 3-class MobileNetV2 classifier; pass `weights` to `loadWeights` for ImageNet features. */
export function covidLite(imageSize = 224) {
  const backbone = createBackbone('mobilenetv2', { inputShape: [imageSize, imageSize, 3], seed: 0 });
  return transferModel({
    backbone,
    head: covidLiteHead({ numClasses: 3, seed: 0 }),
    freeze: { to: 100 }, // Keras: for layer in conv_base.layers[:100]: layer.trainable = False
  });
}
// #endregion usage

/** The number of parameters that stay trainable, for the docs page. */
export function trainableCount(model: ReturnType<typeof covidLite>): number {
  return summarize(model).trainableParams;
}
