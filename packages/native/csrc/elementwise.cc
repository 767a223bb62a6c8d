// Memory-bound loops over large tensors, split over the worker threads in cache-sized chunks
// (tfjs-backend-wasm runs these on one thread). The compiler vectorises the inner loops.
#include "elementwise.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "pool.h"

namespace cxr {
namespace {

constexpr size_t CHUNK = 1 << 16;

template <typename F>
void chunks(size_t n, F f) {
  const int tasks = static_cast<int>((n + CHUNK - 1) / CHUNK);
  pool().run(tasks, [&](int t, int) {
    const size_t i0 = static_cast<size_t>(t) * CHUNK;
    f(i0, std::min(n, i0 + CHUNK));
  });
}

template <typename Op>
void binary_with(Op op, const float* a, size_t aSize, const float* b, size_t bSize, float* out) {
  if (bSize == aSize) {
    chunks(aSize, [&](size_t i0, size_t i1) {
      for (size_t i = i0; i < i1; i++) out[i] = op(a[i], b[i]);
    });
  } else if (bSize == 1) {
    const float s = b[0];
    chunks(aSize, [&](size_t i0, size_t i1) {
      for (size_t i = i0; i < i1; i++) out[i] = op(a[i], s);
    });
  } else {
    // Whole rows of b per chunk, so the inner loop runs over b contiguously.
    const size_t rows = aSize / bSize, rowsPerChunk = std::max<size_t>(1, CHUNK / bSize);
    const int tasks = static_cast<int>((rows + rowsPerChunk - 1) / rowsPerChunk);
    pool().run(tasks, [&](int t, int) {
      const size_t r1 = std::min(rows, (t + 1) * rowsPerChunk);
      for (size_t r = t * rowsPerChunk; r < r1; r++) {
        const float* ar = a + r * bSize;
        float* o = out + r * bSize;
        for (size_t j = 0; j < bSize; j++) o[j] = op(ar[j], b[j]);
      }
    });
  }
}

}  // namespace

void binary(BinaryOp op, const float* a, size_t aSize, const float* b, size_t bSize, float* out) {
  switch (op) {
    case BinaryOp::add: return binary_with([](float x, float y) { return x + y; }, a, aSize, b, bSize, out);
    case BinaryOp::sub: return binary_with([](float x, float y) { return x - y; }, a, aSize, b, bSize, out);
    case BinaryOp::mul: return binary_with([](float x, float y) { return x * y; }, a, aSize, b, bSize, out);
    case BinaryOp::div: return binary_with([](float x, float y) { return x / y; }, a, aSize, b, bSize, out);
  }
}

void unary(UnaryOp op, const float* x, size_t n, float alpha, float* out) {
  if (op == UnaryOp::relu) {
    chunks(n, [&](size_t i0, size_t i1) {
      for (size_t i = i0; i < i1; i++) out[i] = x[i] < 0 ? 0.f : x[i];  // NaN passes through
    });
  } else {
    chunks(n, [&](size_t i0, size_t i1) {
      // GCC does not vectorise the NaN-preserving select, so SSE2 by hand (x86-64 baseline).
      const __m128 one = _mm_set1_ps(1.f), a = _mm_set1_ps(alpha), zero = _mm_setzero_ps();
      size_t i = i0;
      for (; i + 4 <= i1; i += 4) {
        const __m128 v = _mm_loadu_ps(x + i);
        const __m128 pos = _mm_cmpgt_ps(v, zero), nan = _mm_cmpunord_ps(v, v);
        __m128 r = _mm_or_ps(_mm_and_ps(pos, one), _mm_andnot_ps(pos, a));
        r = _mm_or_ps(_mm_and_ps(nan, v), _mm_andnot_ps(nan, r));
        _mm_storeu_ps(out + i, r);
      }
      for (; i < i1; i++) {
        const float v = x[i];
        out[i] = v > 0 ? 1.f : v != v ? v : alpha;
      }
    });
  }
}

void tile(const float* x, const int* shape, const int* reps, int rank, float* out) {
  // Output rows (all axes but the last) are independent: each copies its source row
  // reps[last] times.
  const int last = rank - 1;
  const size_t inRow = shape[last], outRow = inRow * reps[last];
  size_t rows = 1;
  for (int d = 0; d < last; d++) rows *= static_cast<size_t>(shape[d]) * reps[d];
  if (rows == 0 || outRow == 0) return;
  const size_t rowsPerTask = std::max<size_t>(1, CHUNK / outRow);
  const int tasks = static_cast<int>((rows + rowsPerTask - 1) / rowsPerTask);
  pool().run(tasks, [&](int t, int) {
    const size_t r1 = std::min(rows, (t + 1) * rowsPerTask);
    for (size_t r = t * rowsPerTask; r < r1; r++) {
      // Source row: each output index along axis d taken modulo shape[d].
      size_t rest = r, src = 0, stride = 1;
      for (int d = last - 1; d >= 0; d--) {
        const size_t outDim = static_cast<size_t>(shape[d]) * reps[d];
        src += (rest % outDim) % shape[d] * stride;
        stride *= shape[d];
        rest /= outDim;
      }
      const float* from = x + src * inRow;
      float* to = out + r * outRow;
      for (int k = 0; k < reps[last]; k++) std::copy(from, from + inRow, to + k * inRow);
    }
  });
}

}  // namespace cxr
