#pragma once
#include <cstddef>

namespace cxr {

// A strided matrix view: element (i, j) is at data[i * rows + j * cols].
struct View {
  const float* data;
  std::ptrdiff_t rows, cols;
};

// C[m×n] (row stride ldc) = (accumulate ? C : 0) + A[m×k] · B[k×n], on the calling thread.
// Any strides (so transposes are free); A and B are packed into cache-sized panels first.
void gemm(int m, int n, int k, View a, View b, float* c, std::ptrdiff_t ldc, bool accumulate);

// Which micro-kernel gemm uses: "avx512", "avx2" or "generic".
const char* gemm_isa();
// Forces a micro-kernel (tests); returns false when the CPU lacks it.
bool set_gemm_isa(const char* isa);

}  // namespace cxr
