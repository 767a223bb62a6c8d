// A Goto/BLIS-style single-thread SGEMM: B is packed in KC×NR column panels, A in MR×KC row
// panels, and a register-blocked micro-kernel computes MR×NR of C per panel pair. Callers
// parallelise over blocks of rows (convolutions split their pixels), so this stays sequential.
#include "gemm.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace cxr {
namespace {

constexpr int KC = 256;  // reduction depth per panel: A and B panels stay in L1/L2
constexpr int MC = 120;  // rows of A packed at once (a multiple of every MR)
constexpr int MAX_MR = 12, MAX_NR = 32;

// c[m×n] (ldc) (+)= a_panel[kc×MR] · b_panel[kc×NR]; m ≤ MR, n ≤ NR.
using MicroKernel = void (*)(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, int m, int n, bool acc);

struct Isa {
  const char* name;
  int mr, nr;
  MicroKernel kernel;
};

// Stores a full MR×NR tile from `tile` to C, only m×n of it, adding C if acc.
inline void store_tile(const float* tile, int nr, float* c, std::ptrdiff_t ldc, int m, int n, bool acc) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) c[i * ldc + j] = acc ? c[i * ldc + j] + tile[i * nr + j] : tile[i * nr + j];
}

void kernel_generic(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, int m, int n, bool acc) {
  constexpr int MR = 4, NR = 16;
  float t[MR * NR] = {};
  for (int p = 0; p < kc; p++, a += MR, b += NR)
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++) t[i * NR + j] += a[i] * b[j];
  store_tile(t, NR, c, ldc, m, n, acc);
}

__attribute__((target("avx2,fma"))) void kernel_avx2(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc,
                                                     int m, int n, bool acc) {
  constexpr int MR = 6, NR = 16;
  __m256 r[MR][2];
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++) r[i][0] = r[i][1] = _mm256_setzero_ps();
  for (int p = 0; p < kc; p++, a += MR, b += NR) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      __m256 ai = _mm256_broadcast_ss(a + i);
      r[i][0] = _mm256_fmadd_ps(ai, b0, r[i][0]);
      r[i][1] = _mm256_fmadd_ps(ai, b1, r[i][1]);
    }
  }
  if (m == MR && n == NR) {
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      float* ci = c + i * ldc;
      if (acc) {
        r[i][0] = _mm256_add_ps(r[i][0], _mm256_loadu_ps(ci));
        r[i][1] = _mm256_add_ps(r[i][1], _mm256_loadu_ps(ci + 8));
      }
      _mm256_storeu_ps(ci, r[i][0]);
      _mm256_storeu_ps(ci + 8, r[i][1]);
    }
    return;
  }
  alignas(32) float t[MR * NR];
  for (int i = 0; i < MR; i++) {
    _mm256_store_ps(t + i * NR, r[i][0]);
    _mm256_store_ps(t + i * NR + 8, r[i][1]);
  }
  store_tile(t, NR, c, ldc, m, n, acc);
}

__attribute__((target("avx512f"))) void kernel_avx512(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc,
                                                      int m, int n, bool acc) {
  constexpr int MR = 12, NR = 32;
  __m512 r[MR][2];
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) r[i][0] = r[i][1] = _mm512_setzero_ps();
  for (int p = 0; p < kc; p++, a += MR, b += NR) {
    __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      __m512 ai = _mm512_set1_ps(a[i]);
      r[i][0] = _mm512_fmadd_ps(ai, b0, r[i][0]);
      r[i][1] = _mm512_fmadd_ps(ai, b1, r[i][1]);
    }
  }
  // Masked stores cover a partial width; rows beyond m are skipped.
  __mmask16 k0 = n >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << n) - 1);
  __mmask16 k1 = n >= 32 ? 0xFFFF : n <= 16 ? 0 : static_cast<__mmask16>((1u << (n - 16)) - 1);
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) {
    if (i >= m) break;
    float* ci = c + i * ldc;
    if (acc) {
      r[i][0] = _mm512_add_ps(r[i][0], _mm512_maskz_loadu_ps(k0, ci));
      r[i][1] = _mm512_add_ps(r[i][1], _mm512_maskz_loadu_ps(k1, ci + 16));
    }
    _mm512_mask_storeu_ps(ci, k0, r[i][0]);
    _mm512_mask_storeu_ps(ci + 16, k1, r[i][1]);
  }
}

const Isa GENERIC{"generic", 4, 16, kernel_generic};
const Isa AVX2{"avx2", 6, 16, kernel_avx2};
const Isa AVX512{"avx512", 12, 32, kernel_avx512};

const Isa* best() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return &AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &AVX2;
  return &GENERIC;
}

const Isa* isa = best();

// dst[kc×nr] panel from B rows p0.., columns j0..j0+nb (zero beyond nb).
void pack_b(const View& b, int p0, int kc, int j0, int nb, int nr, float* dst) {
  for (int p = 0; p < kc; p++, dst += nr) {
    const float* row = b.data + (p0 + p) * b.rows + j0 * b.cols;
    if (b.cols == 1) {
      std::memcpy(dst, row, nb * sizeof(float));
    } else {
      for (int j = 0; j < nb; j++) dst[j] = row[j * b.cols];
    }
    for (int j = nb; j < nr; j++) dst[j] = 0;
  }
}

// dst[kc×mr] panel from A rows i0..i0+mb, columns p0.. (zero beyond mb).
void pack_a(const View& a, int i0, int mb, int p0, int kc, int mr, float* dst) {
  if (a.rows == 1) {  // column-major A: mr consecutive rows are contiguous
    for (int p = 0; p < kc; p++, dst += mr) {
      const float* col = a.data + i0 + (p0 + p) * a.cols;
      std::memcpy(dst, col, mb * sizeof(float));
      for (int i = mb; i < mr; i++) dst[i] = 0;
    }
    return;
  }
  for (int i = 0; i < mr; i++) {
    if (i >= mb) {
      for (int p = 0; p < kc; p++) dst[p * mr + i] = 0;
      continue;
    }
    const float* row = a.data + (i0 + i) * a.rows + p0 * a.cols;
    if (a.cols == 1) {
      for (int p = 0; p < kc; p++) dst[p * mr + i] = row[p];
    } else {
      for (int p = 0; p < kc; p++) dst[p * mr + i] = row[p * a.cols];
    }
  }
}

}  // namespace

void gemm(int m, int n, int k, View a, View b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int i = 0; i < m; i++) std::memset(c + i * ldc, 0, n * sizeof(float));
    return;
  }
  const int mr = isa->mr, nr = isa->nr;
  const int nPanels = (n + nr - 1) / nr;
  thread_local std::vector<float> bBuf, aBuf;
  bBuf.resize(static_cast<size_t>(KC) * nPanels * nr);
  aBuf.resize(static_cast<size_t>(KC) * MC);
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = std::min(KC, k - p0);
    const bool acc = accumulate || p0 > 0;
    for (int jp = 0; jp < nPanels; jp++)
      pack_b(b, p0, kc, jp * nr, std::min(nr, n - jp * nr), nr, bBuf.data() + static_cast<size_t>(jp) * kc * nr);
    for (int i0 = 0; i0 < m; i0 += MC) {
      const int mc = std::min(MC, m - i0);
      for (int ip = 0; ip < mc; ip += mr)
        pack_a(a, i0 + ip, std::min(mr, mc - ip), p0, kc, mr, aBuf.data() + static_cast<size_t>(ip) * kc);
      for (int jp = 0; jp < nPanels; jp++) {
        const float* bp = bBuf.data() + static_cast<size_t>(jp) * kc * nr;
        const int nb = std::min(nr, n - jp * nr);
        for (int ip = 0; ip < mc; ip += mr)
          isa->kernel(kc, aBuf.data() + static_cast<size_t>(ip) * kc, bp, c + (i0 + ip) * ldc + jp * nr, ldc,
                      std::min(mr, mc - ip), nb, acc);
      }
    }
  }
}

const char* gemm_isa() { return isa->name; }

bool set_gemm_isa(const char* name) {
  const Isa* wanted = std::strcmp(name, "avx512") == 0 ? &AVX512 : std::strcmp(name, "avx2") == 0 ? &AVX2 : &GENERIC;
  __builtin_cpu_init();
  if (wanted == &AVX512 && !__builtin_cpu_supports("avx512f")) return false;
  if (wanted == &AVX2 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return false;
  isa = wanted;
  return true;
}

}  // namespace cxr
