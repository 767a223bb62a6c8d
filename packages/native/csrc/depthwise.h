#pragma once
#include "conv.h"

namespace cxr {

// Depthwise NHWC convolution with an [kh, kw, ci, m] filter: output channel c·m + q sees only
// input channel c. ConvGeometry.co is ci·m.
void depthwise_conv2d(const ConvGeometry& g, const float* x, const float* w, float* y);
void depthwise_backprop_input(const ConvGeometry& g, const float* dy, const float* w, float* dx);
void depthwise_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw);

}  // namespace cxr
