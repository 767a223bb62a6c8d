#pragma once
#include <cstddef>

namespace cxr {

enum class BinaryOp { add = 0, sub = 1, mul = 2, div = 3 };
// out[i] = a[i] op b[i mod bSize], i < aSize: same shapes, a scalar b, or b a trailing-dims
// slice of a (a bias [c] over [n, h, w, c]). bSize divides aSize.
void binary(BinaryOp op, const float* a, size_t aSize, const float* b, size_t bSize, float* out);

enum class UnaryOp { relu = 0, step = 1 };
// relu: max(x, 0); step: x > 0 ? 1 : alpha (NaN stays NaN), as tfjs' kernels.
void unary(UnaryOp op, const float* x, size_t n, float alpha, float* out);

// out = x repeated reps[d] times along each axis d (tfjs Tile); rank ≤ 8.
void tile(const float* x, const int* shape, const int* reps, int rank, float* out);

}  // namespace cxr
