// Direct convolutions for few output channels (a LungClassifier's 1→4-channel 5×5 stem over
// 512² images): a GEMM with n = 4 would waste most of its 32-wide micro-kernel, and im2col of
// a 1-channel image copies 4 bytes at a time. Here one output row at a time is computed in
// planar accumulators, acc[co][ox] += w · x[c][ox·s + kx], whose inner loop over ox vectorises.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv.h"
#include "pool.h"

namespace cxr {
namespace {

// xp[c][j] = x[iy, j - left, c] for j over the padded row (zero outside the image).
void planar_row(const ConvGeometry& g, const float* image, int iy, int width, float* xp) {
  std::memset(xp, 0, sizeof(float) * g.ci * width);
  if (iy < 0 || iy >= g.h) return;
  const float* row = image + static_cast<size_t>(iy) * g.w * g.ci;
  for (int ix = 0; ix < g.w; ix++)
    for (int c = 0; c < g.ci; c++) xp[c * width + ix + g.left] = row[ix * g.ci + c];
}

// Padded row width that every (ox, kx) reads within.
int padded_width(const ConvGeometry& g) {
  return std::max(g.w + g.left, (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1);
}


// acc[o][ox] += w[o] · src[ox · stride] for one filter tap and every output channel o < co.
// GCC leaves these loops scalar, so the wide versions are written with intrinsics.
void tap_generic(const float* src, int stride, const float* w, float* acc, int ow, int co) {
  for (int o = 0; o < co; o++)
    for (int ox = 0; ox < ow; ox++) acc[o * ow + ox] += w[o] * src[ox * stride];
}

__attribute__((target("avx2,fma"))) void tap_avx2(const float* src, int stride, const float* w, float* acc, int ow, int co) {
  if (stride != 1) return tap_generic(src, stride, w, acc, ow, co);
  int ox = 0;
  for (; ox + 8 <= ow; ox += 8) {
    const __m256 s = _mm256_loadu_ps(src + ox);
    for (int o = 0; o < co; o++) {
      float* a = acc + o * ow + ox;
      _mm256_storeu_ps(a, _mm256_fmadd_ps(_mm256_set1_ps(w[o]), s, _mm256_loadu_ps(a)));
    }
  }
  for (; ox < ow; ox++)
    for (int o = 0; o < co; o++) acc[o * ow + ox] += w[o] * src[ox];
}

__attribute__((target("avx512f"))) void tap_avx512(const float* src, int stride, const float* w, float* acc, int ow, int co) {
  if (stride != 1) return tap_generic(src, stride, w, acc, ow, co);
  for (int ox = 0; ox < ow; ox += 16) {
    const __mmask16 m = ow - ox >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << (ow - ox)) - 1);
    const __m512 s = _mm512_maskz_loadu_ps(m, src + ox);
    for (int o = 0; o < co; o++) {
      float* a = acc + o * ow + ox;
      _mm512_mask_storeu_ps(a, m, _mm512_fmadd_ps(_mm512_set1_ps(w[o]), s, _mm512_maskz_loadu_ps(m, a)));
    }
  }
}

// Σ_ox src[ox · stride] · d[ox]
float dot_generic(const float* src, int stride, const float* d, int n) {
  float t = 0;
  for (int i = 0; i < n; i++) t += src[i * stride] * d[i];
  return t;
}

__attribute__((target("avx2,fma"))) float dot_avx2(const float* src, int stride, const float* d, int n) {
  if (stride != 1) return dot_generic(src, stride, d, n);
  __m256 t = _mm256_setzero_ps();
  int i = 0;
  for (; i + 8 <= n; i += 8) t = _mm256_fmadd_ps(_mm256_loadu_ps(src + i), _mm256_loadu_ps(d + i), t);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, t);
  float r = 0;
  for (float v : lanes) r += v;
  for (; i < n; i++) r += src[i] * d[i];
  return r;
}

__attribute__((target("avx512f"))) float dot_avx512(const float* src, int stride, const float* d, int n) {
  if (stride != 1) return dot_generic(src, stride, d, n);
  __m512 t = _mm512_setzero_ps();
  for (int i = 0; i < n; i += 16) {
    const __mmask16 m = n - i >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << (n - i)) - 1);
    t = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, src + i), _mm512_maskz_loadu_ps(m, d + i), t);
  }
  return _mm512_reduce_add_ps(t);
}

struct DirectIsa {
  void (*tap)(const float*, int, const float*, float*, int, int);
  float (*dot)(const float*, int, const float*, int);
};

DirectIsa pick() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {tap_avx512, dot_avx512};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return {tap_avx2, dot_avx2};
  return {tap_generic, dot_generic};
}

const DirectIsa isa = pick();

// One output row of one image into planar acc[co][ow].
void conv_row(const ConvGeometry& g, const float* image, int oy, const float* w, float* xp, float* acc, int width) {
  std::fill(acc, acc + static_cast<size_t>(g.co) * g.ow, 0.f);
  for (int ky = 0; ky < g.kh; ky++) {
    const int iy = oy * g.sh - g.top + ky * g.dh;
    if (iy < 0 || iy >= g.h) continue;
    planar_row(g, image, iy, width, xp);
    for (int c = 0; c < g.ci; c++)
      for (int kx = 0; kx < g.kw; kx++)
        isa.tap(xp + c * width + kx * g.dw, g.sw, w + ((static_cast<size_t>(ky) * g.kw + kx) * g.ci + c) * g.co, acc, g.ow, g.co);
  }
}

// One dy row's contribution to dW (ky, kx, c, co order), accumulated in double.
void filter_row(const ConvGeometry& g, const float* image, int oy, const float* dyp, float* xp, double* sum, int width) {
  for (int ky = 0; ky < g.kh; ky++) {
    const int iy = oy * g.sh - g.top + ky * g.dh;
    if (iy < 0 || iy >= g.h) continue;
    planar_row(g, image, iy, width, xp);
    for (int c = 0; c < g.ci; c++)
      for (int kx = 0; kx < g.kw; kx++) {
        const float* src = xp + c * width + kx * g.dw;
        double* dst = sum + ((static_cast<size_t>(ky) * g.kw + kx) * g.ci + c) * g.co;
        for (int o = 0; o < g.co; o++) dst[o] += isa.dot(src, g.sw, dyp + static_cast<size_t>(o) * g.ow, g.ow);
      }
  }
}

}  // namespace

bool direct_conv_fits(const ConvGeometry& g) { return g.co <= 8; }

void conv2d_direct(const ConvGeometry& g, const float* x, const float* w, const float* bias, Activation act, float* y) {
  const int width = padded_width(g);
  pool().run(g.n * g.oh, [&](int task, int) {
    const int img = task / g.oh, oy = task % g.oh;
    thread_local std::vector<float> xp, acc;
    xp.resize(static_cast<size_t>(g.ci) * width);
    acc.resize(static_cast<size_t>(g.co) * g.ow);
    conv_row(g, x + static_cast<size_t>(img) * g.h * g.w * g.ci, oy, w, xp.data(), acc.data(), width);
    float* out = y + (static_cast<size_t>(img) * g.oh + oy) * g.ow * g.co;
    for (int ox = 0; ox < g.ow; ox++)
      for (int o = 0; o < g.co; o++) {
        float v = acc[static_cast<size_t>(o) * g.ow + ox] + (bias ? bias[o] : 0.f);
        out[ox * g.co + o] = act == Activation::relu && v < 0 ? 0.f : v;
      }
  });
}

void conv2d_backprop_filter_direct(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const int width = padded_width(g);
  const size_t K = static_cast<size_t>(g.kh) * g.kw * g.ci * g.co;
  WorkerSums sums(pool().size(), K);
  pool().run(g.n * g.oh, [&](int task, int worker) {
    const int img = task / g.oh, oy = task % g.oh;
    const float* image = x + static_cast<size_t>(img) * g.h * g.w * g.ci;
    thread_local std::vector<float> xp, dyp;
    xp.resize(static_cast<size_t>(g.ci) * width);
    dyp.resize(static_cast<size_t>(g.co) * g.ow);
    const float* d = dy + (static_cast<size_t>(img) * g.oh + oy) * g.ow * g.co;
    for (int ox = 0; ox < g.ow; ox++)
      for (int o = 0; o < g.co; o++) dyp[static_cast<size_t>(o) * g.ow + ox] = d[ox * g.co + o];
    filter_row(g, image, oy, dyp.data(), xp.data(), sums.of(worker), width);
  });
  sums.sum_into(dw);
}

}  // namespace cxr
