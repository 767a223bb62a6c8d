// Depthwise convolutions (MobileNet) as loops over contiguous channels: every tap is
// out[c] += x[c] · w[c] over a pixel's channel vector, which the per-ISA clones vectorise.
// Channel multipliers other than 1 take the general loop.
#include "depthwise.h"

#include <cstring>
#include <vector>

#include "pool.h"

namespace cxr {
namespace {

// acc[c·m + q] += x[c] · w[c·m + q] for c < ci, q < m.
__attribute__((target_clones("avx512f", "avx2", "default")))
void tap(const float* __restrict x, const float* __restrict w, float* __restrict acc, int ci, int m) {
  if (m == 1) {
    for (int c = 0; c < ci; c++) acc[c] += x[c] * w[c];
  } else {
    for (int c = 0; c < ci; c++)
      for (int q = 0; q < m; q++) acc[c * m + q] += x[c] * w[c * m + q];
  }
}

// dx[c] += Σ_q dy[c·m + q] · w[c·m + q]
__attribute__((target_clones("avx512f", "avx2", "default")))
void tap_input(const float* __restrict dy, const float* __restrict w, float* __restrict dx, int ci, int m) {
  if (m == 1) {
    for (int c = 0; c < ci; c++) dx[c] += dy[c] * w[c];
  } else {
    for (int c = 0; c < ci; c++) {
      float s = 0;
      for (int q = 0; q < m; q++) s += dy[c * m + q] * w[c * m + q];
      dx[c] += s;
    }
  }
}

// dw[c·m + q] += x[c] · dy[c·m + q]
__attribute__((target_clones("avx512f", "avx2", "default")))
void tap_filter(const float* __restrict x, const float* __restrict dy, float* __restrict dw, int ci, int m) {
  if (m == 1) {
    for (int c = 0; c < ci; c++) dw[c] += x[c] * dy[c];
  } else {
    for (int c = 0; c < ci; c++)
      for (int q = 0; q < m; q++) dw[c * m + q] += x[c] * dy[c * m + q];
  }
}

int multiplier(const ConvGeometry& g) { return g.co / g.ci; }

}  // namespace

void depthwise_conv2d(const ConvGeometry& g, const float* x, const float* w, float* y) {
  const int m = multiplier(g);
  pool().run(g.n * g.oh, [&](int task, int) {
    const int img = task / g.oh, oy = task % g.oh;
    const float* image = x + static_cast<size_t>(img) * g.h * g.w * g.ci;
    float* out = y + (static_cast<size_t>(img) * g.oh + oy) * g.ow * g.co;
    std::memset(out, 0, sizeof(float) * g.ow * g.co);
    for (int ox = 0; ox < g.ow; ox++) {
      float* acc = out + static_cast<size_t>(ox) * g.co;
      for (int ky = 0; ky < g.kh; ky++) {
        const int iy = oy * g.sh - g.top + ky * g.dh;
        if (iy < 0 || iy >= g.h) continue;
        for (int kx = 0; kx < g.kw; kx++) {
          const int ix = ox * g.sw - g.left + kx * g.dw;
          if (ix < 0 || ix >= g.w) continue;
          tap(image + (static_cast<size_t>(iy) * g.w + ix) * g.ci, w + (static_cast<size_t>(ky) * g.kw + kx) * g.co, acc, g.ci, m);
        }
      }
    }
  });
}

void depthwise_backprop_input(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const int m = multiplier(g);
  const size_t imageSize = static_cast<size_t>(g.h) * g.w * g.ci;
  // One image per task: its output pixels scatter into overlapping input pixels.
  pool().run(g.n, [&](int img, int) {
    float* dxi = dx + img * imageSize;
    std::memset(dxi, 0, sizeof(float) * imageSize);
    const float* dyi = dy + static_cast<size_t>(img) * g.oh * g.ow * g.co;
    for (int oy = 0; oy < g.oh; oy++)
      for (int ox = 0; ox < g.ow; ox++) {
        const float* d = dyi + (static_cast<size_t>(oy) * g.ow + ox) * g.co;
        for (int ky = 0; ky < g.kh; ky++) {
          const int iy = oy * g.sh - g.top + ky * g.dh;
          if (iy < 0 || iy >= g.h) continue;
          for (int kx = 0; kx < g.kw; kx++) {
            const int ix = ox * g.sw - g.left + kx * g.dw;
            if (ix < 0 || ix >= g.w) continue;
            tap_input(d, w + (static_cast<size_t>(ky) * g.kw + kx) * g.co, dxi + (static_cast<size_t>(iy) * g.w + ix) * g.ci, g.ci, m);
          }
        }
      }
  });
}

void depthwise_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const int m = multiplier(g);
  const size_t K = static_cast<size_t>(g.kh) * g.kw * g.co;
  // Per worker: a float sum per output row (short), added into a double total.
  WorkerSums sums(pool().size(), K);
  pool().run(g.n * g.oh, [&](int task, int worker) {
    const int img = task / g.oh, oy = task % g.oh;
    thread_local std::vector<float> row;
    row.assign(K, 0.f);
    const float* image = x + static_cast<size_t>(img) * g.h * g.w * g.ci;
    const float* dyr = dy + (static_cast<size_t>(img) * g.oh + oy) * g.ow * g.co;
    for (int ky = 0; ky < g.kh; ky++) {
      const int iy = oy * g.sh - g.top + ky * g.dh;
      if (iy < 0 || iy >= g.h) continue;
      for (int kx = 0; kx < g.kw; kx++) {
        float* dwk = row.data() + (static_cast<size_t>(ky) * g.kw + kx) * g.co;
        for (int ox = 0; ox < g.ow; ox++) {
          const int ix = ox * g.sw - g.left + kx * g.dw;
          if (ix < 0 || ix >= g.w) continue;
          tap_filter(image + (static_cast<size_t>(iy) * g.w + ix) * g.ci, dyr + static_cast<size_t>(ox) * g.co, dwk, g.ci, m);
        }
      }
    }
    double* total = sums.of(worker);
    for (size_t k = 0; k < K; k++) total[k] += row[k];
  });
  sums.sum_into(dw);
}

}  // namespace cxr
