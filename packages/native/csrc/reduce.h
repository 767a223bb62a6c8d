#pragma once

namespace cxr {

// out[c] = Σ_r x[r, c] over a row-major [rows, cols] matrix (a bias gradient: sum over N, H, W).
void sum_rows(const float* x, long rows, int cols, float* out);

// MaxPoolGrad, NHWC: dx gets each dy at the first maximum (row-major window order, as tfjs)
// of its window; windows may overlap or hang over the padded border.
struct PoolGeometry {
  int n, h, w, c;
  int kh, kw, sh, sw, top, left, oh, ow;
};
// y = the maximum of each window (NaN wins, as in tfjs); padding never wins.
void max_pool(const PoolGeometry& g, const float* x, float* y);
void max_pool_grad(const PoolGeometry& g, const float* x, const float* dy, float* dx);

}  // namespace cxr
