// Convolutions as GEMMs over blocks of output pixels. Each block's im2col rows
// ([pixels, kh·kw·ci], the filter's own flattening) are built in a per-thread buffer that
// stays in cache, instead of one im2col of the whole batch (hundreds of MB for 224² images).
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "pool.h"

namespace cxr {
namespace {

constexpr int BLOCK_ROWS = 240;  // output pixels per block (a multiple of every MR)

struct Blocks {
  int perImage, total;
};

Blocks blocks_of(const ConvGeometry& g) {
  int per = (g.oh * g.ow + BLOCK_ROWS - 1) / BLOCK_ROWS;
  return {per, per * g.n};
}

int depth(const ConvGeometry& g) { return g.kh * g.kw * g.ci; }

// A plain 1×1 stride-1 unpadded convolution is already a GEMM over x's rows.
bool is_pointwise(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.top == 0 && g.left == 0 && g.oh == g.h && g.ow == g.w;
}

// cols[r, :] = the receptive field of output pixel p0 + r of image `img`, zeros outside.
void im2col(const ConvGeometry& g, const float* x, int img, int p0, int rows, float* cols) {
  const int K = depth(g);
  const float* image = x + static_cast<size_t>(img) * g.h * g.w * g.ci;
  for (int r = 0; r < rows; r++) {
    const int p = p0 + r, oy = p / g.ow, ox = p % g.ow;
    float* dst = cols + static_cast<size_t>(r) * K;
    for (int ky = 0; ky < g.kh; ky++) {
      const int iy = oy * g.sh - g.top + ky * g.dh;
      for (int kx = 0; kx < g.kw; kx++, dst += g.ci) {
        const int ix = ox * g.sw - g.left + kx * g.dw;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w)
          std::memset(dst, 0, g.ci * sizeof(float));
        else
          std::memcpy(dst, image + (static_cast<size_t>(iy) * g.w + ix) * g.ci, g.ci * sizeof(float));
      }
    }
  }
}

// dx (one image) += cols scattered back to the receptive fields: the adjoint of im2col.
void col2im_add(const ConvGeometry& g, const float* cols, int p0, int rows, float* dxImage) {
  const int K = depth(g);
  for (int r = 0; r < rows; r++) {
    const int p = p0 + r, oy = p / g.ow, ox = p % g.ow;
    const float* src = cols + static_cast<size_t>(r) * K;
    for (int ky = 0; ky < g.kh; ky++) {
      const int iy = oy * g.sh - g.top + ky * g.dh;
      for (int kx = 0; kx < g.kw; kx++, src += g.ci) {
        const int ix = ox * g.sw - g.left + kx * g.dw;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
        float* dst = dxImage + (static_cast<size_t>(iy) * g.w + ix) * g.ci;
        for (int c = 0; c < g.ci; c++) dst[c] += src[c];
      }
    }
  }
}

thread_local std::vector<float> scratch;

float* scratch_of(size_t n) {
  if (scratch.size() < n) scratch.resize(n);
  return scratch.data();
}

// One task's block of output pixels and its im2col rows ([rows, K]): x itself for a pointwise
// convolution, otherwise built in the calling thread's scratch buffer.
struct Block {
  int img, p0, rows;
  size_t row0;  // first pixel's row over the whole batch
  const float* cols;
};

Block block_of(const ConvGeometry& g, const Blocks& b, const float* x, int task) {
  const int P = g.oh * g.ow;
  Block k;
  k.img = task / b.perImage;
  k.p0 = (task % b.perImage) * BLOCK_ROWS;
  k.rows = std::min(BLOCK_ROWS, P - k.p0);
  k.row0 = static_cast<size_t>(k.img) * P + k.p0;
  if (is_pointwise(g)) {
    k.cols = x + k.row0 * g.ci;
  } else {
    float* buf = scratch_of(static_cast<size_t>(k.rows) * depth(g));
    im2col(g, x, k.img, k.p0, k.rows, buf);
    k.cols = buf;
  }
  return k;
}

}  // namespace

void conv2d(const ConvGeometry& g, const float* x, const float* w, const float* bias, Activation act, float* y) {
  if (direct_conv_fits(g)) return conv2d_direct(g, x, w, bias, act, y);
  const int K = depth(g);
  const Blocks b = blocks_of(g);
  pool().run(b.total, [&](int task, int) {
    const Block k = block_of(g, b, x, task);
    const int rows = k.rows;
    float* out = y + k.row0 * g.co;
    gemm(rows, g.co, K, {k.cols, K, 1}, {w, g.co, 1}, out, g.co, false);
    if (!bias && act == Activation::linear) return;
    for (int r = 0; r < rows; r++) {
      float* o = out + static_cast<size_t>(r) * g.co;
      if (bias)
        for (int c = 0; c < g.co; c++) o[c] += bias[c];
      if (act == Activation::relu)
        for (int c = 0; c < g.co; c++) o[c] = o[c] > 0 ? o[c] : 0;
    }
  });
}

void conv2d_backprop_input(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const int K = depth(g), P = g.oh * g.ow;
  const size_t imageSize = static_cast<size_t>(g.h) * g.w * g.ci;
  // wT[co, K]: the GEMM's B operand read along rows.
  std::vector<float> wT(static_cast<size_t>(K) * g.co);
  for (int k = 0; k < K; k++)
    for (int c = 0; c < g.co; c++) wT[static_cast<size_t>(c) * K + k] = w[static_cast<size_t>(k) * g.co + c];
  // One image per task: blocks of the same image scatter into overlapping pixels.
  pool().run(g.n, [&](int img, int) {
    float* dxImage = dx + img * imageSize;
    const float* dyImage = dy + static_cast<size_t>(img) * P * g.co;
    if (is_pointwise(g)) {
      gemm(P, g.ci, g.co, {dyImage, g.co, 1}, {wT.data(), K, 1}, dxImage, g.ci, false);
      return;
    }
    std::memset(dxImage, 0, imageSize * sizeof(float));
    float* cols = scratch_of(static_cast<size_t>(BLOCK_ROWS) * K);
    for (int p0 = 0; p0 < P; p0 += BLOCK_ROWS) {
      const int rows = std::min(BLOCK_ROWS, P - p0);
      gemm(rows, K, g.co, {dyImage + static_cast<size_t>(p0) * g.co, g.co, 1}, {wT.data(), K, 1}, cols, K, false);
      col2im_add(g, cols, p0, rows, dxImage);
    }
  });
}

void conv2d_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  if (direct_conv_fits(g)) return conv2d_backprop_filter_direct(g, x, dy, dw);
  const int K = depth(g);
  const Blocks b = blocks_of(g);
  const int threads = pool().size();
  // Each worker sums its blocks into its own dW; the partial sums are added at the end.
  std::vector<std::vector<float>> partial(threads);
  pool().run(b.total, [&](int task, int worker) {
    std::vector<float>& acc = partial[worker];
    if (acc.empty()) acc.assign(static_cast<size_t>(K) * g.co, 0.f);
    const Block k = block_of(g, b, x, task);
    // dW[K, co] += colsᵀ[K, rows] · dy[rows, co]
    gemm(K, g.co, k.rows, {k.cols, 1, K}, {dy + k.row0 * g.co, g.co, 1}, acc.data(), g.co, true);
  });
  std::memset(dw, 0, static_cast<size_t>(K) * g.co * sizeof(float));
  for (const auto& acc : partial)
    if (!acc.empty())
      for (size_t i = 0; i < acc.size(); i++) dw[i] += acc[i];
}

}  // namespace cxr
