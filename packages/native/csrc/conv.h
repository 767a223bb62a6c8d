#pragma once

namespace cxr {

// One NHWC convolution with an [kh, kw, ci, co] filter, as tfjs' Conv2DInfo describes it.
struct ConvGeometry {
  int n, h, w, ci;       // input
  int co, kh, kw;        // filter
  int sh, sw, dh, dw;    // strides, dilations
  int top, left;         // zero rows/columns before the image
  int oh, ow;            // output
};

enum class Activation { linear = 0, relu = 1 };

// y[n, oh, ow, co] = act(conv(x, w) + bias); bias may be null.
void conv2d(const ConvGeometry& g, const float* x, const float* w, const float* bias, Activation act, float* y);
// dx[n, h, w, ci] = gradient of conv2d w.r.t. x, given dy[n, oh, ow, co].
void conv2d_backprop_input(const ConvGeometry& g, const float* dy, const float* w, float* dx);
// dw[kh, kw, ci, co] = gradient of conv2d w.r.t. w, given x and dy.
void conv2d_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw);

// Few output channels (co ≤ 8): row-at-a-time direct versions of the two above.
bool direct_conv_fits(const ConvGeometry& g);
void conv2d_direct(const ConvGeometry& g, const float* x, const float* w, const float* bias, Activation act, float* y);
void conv2d_backprop_filter_direct(const ConvGeometry& g, const float* x, const float* dy, float* dw);

}  // namespace cxr
