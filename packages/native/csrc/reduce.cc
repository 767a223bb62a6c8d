#include "reduce.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "pool.h"

namespace cxr {

void sum_rows(const float* x, long rows, int cols, float* out) {
  // Blocks of rows summed in float (vectorisable), then added up in double.
  constexpr long BLOCK = 1024;
  const long blocks = (rows + BLOCK - 1) / BLOCK;
  WorkerSums sums(pool().size(), cols);
  pool().run(static_cast<int>(blocks), [&](int b, int worker) {
    std::vector<float> s(cols, 0.f);
    const long r1 = std::min(rows, (b + 1) * BLOCK);
    for (long r = b * BLOCK; r < r1; r++) {
      const float* row = x + r * cols;
      for (int c = 0; c < cols; c++) s[c] += row[c];
    }
    double* p = sums.of(worker);
    for (int c = 0; c < cols; c++) p[c] += s[c];
  });
  sums.sum_into(out);
}

void max_pool(const PoolGeometry& g, const float* x, float* y) {
  const size_t imageSize = static_cast<size_t>(g.h) * g.w * g.c;
  // Tasks are output rows of one image: enough of them to share even a batch of one.
  pool().run(g.n * g.oh, [&](int task, int) {
    const int img = task / g.oh, oy = task % g.oh;
    const float* xi = x + img * imageSize;
    for (int ox = 0; ox < g.ow; ox++) {
      float* out = y + ((static_cast<size_t>(img) * g.oh + oy) * g.ow + ox) * g.c;
      bool first = true;
      for (int ky = 0; ky < g.kh; ky++) {
        const int iy = oy * g.sh - g.top + ky;
        if (iy < 0 || iy >= g.h) continue;
        for (int kx = 0; kx < g.kw; kx++) {
          const int ix = ox * g.sw - g.left + kx;
          if (ix < 0 || ix >= g.w) continue;
          const float* v = xi + (static_cast<size_t>(iy) * g.w + ix) * g.c;
          if (first) {
            for (int c = 0; c < g.c; c++) out[c] = v[c];
            first = false;
          } else {
            for (int c = 0; c < g.c; c++) out[c] = (v[c] > out[c] || v[c] != v[c]) ? v[c] : out[c];
          }
        }
      }
      if (first)
        for (int c = 0; c < g.c; c++) out[c] = -std::numeric_limits<float>::infinity();
    }
  });
}

void max_pool_grad(const PoolGeometry& g, const float* x, const float* dy, float* dx) {
  const size_t imageSize = static_cast<size_t>(g.h) * g.w * g.c;
  pool().run(g.n, [&](int img, int) {
    const float* xi = x + img * imageSize;
    float* dxi = dx + img * imageSize;
    const float* dyi = dy + static_cast<size_t>(img) * g.oh * g.ow * g.c;
    std::memset(dxi, 0, imageSize * sizeof(float));
    std::vector<float> best(g.c);
    std::vector<int> at(g.c);
    for (int oy = 0; oy < g.oh; oy++) {
      for (int ox = 0; ox < g.ow; ox++) {
        // The first in-bounds position seeds the maximum; later ones replace it only when
        // strictly greater, so ties keep the first (tfjs' order). Branch-free: vectorises.
        bool seeded = false;
        for (int ky = 0; ky < g.kh; ky++) {
          const int iy = oy * g.sh - g.top + ky;
          if (iy < 0 || iy >= g.h) continue;
          for (int kx = 0; kx < g.kw; kx++) {
            const int ix = ox * g.sw - g.left + kx;
            if (ix < 0 || ix >= g.w) continue;
            const int pos = iy * g.w + ix;
            const float* v = xi + static_cast<size_t>(pos) * g.c;
            if (!seeded) {
              for (int c = 0; c < g.c; c++) {
                best[c] = v[c];
                at[c] = pos;
              }
              seeded = true;
              continue;
            }
            for (int c = 0; c < g.c; c++) {
              const bool gt = v[c] > best[c];
              best[c] = gt ? v[c] : best[c];
              at[c] = gt ? pos : at[c];
            }
          }
        }
        if (!seeded) continue;
        const float* d = dyi + (static_cast<size_t>(oy) * g.ow + ox) * g.c;
        for (int c = 0; c < g.c; c++)
          dxi[static_cast<size_t>(at[c]) * g.c + c] += d[c];
      }
    }
  });
}

}  // namespace cxr
