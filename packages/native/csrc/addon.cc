// Node-API bindings. Every tensor arrives as a Float32Array (a view into tfjs' wasm heap or a
// plain array); shapes arrive as an Int32Array. Validation of shapes happens in TypeScript;
// here only the types and lengths are checked, so a bad call throws instead of corrupting memory.
#include <node_api.h>

#include <cstdio>
#include <string>

#include "conv.h"
#include "depthwise.h"
#include "elementwise.h"
#include "gemm.h"
#include "pool.h"
#include "reduce.h"

namespace {

struct Error {
  std::string message;
};

napi_value throw_error(napi_env env, const std::string& message) {
  napi_throw_error(env, "E_NATIVE", message.c_str());
  return nullptr;
}

struct Args {
  napi_env env;
  napi_value argv[8];
  size_t argc = 8;

  template <typename T>
  T* array(size_t i, napi_typedarray_type want, size_t minLength, bool optional = false) {
    if (i >= argc) throw Error{"missing argument " + std::to_string(i)};
    napi_valuetype vt;
    napi_typeof(env, argv[i], &vt);
    if (optional && (vt == napi_null || vt == napi_undefined)) return nullptr;
    bool is = false;
    napi_is_typedarray(env, argv[i], &is);
    if (!is) throw Error{"argument " + std::to_string(i) + " must be a typed array"};
    napi_typedarray_type type;
    size_t length;
    void* data;
    napi_get_typedarray_info(env, argv[i], &type, &length, &data, nullptr, nullptr);
    if (type != want) throw Error{"argument " + std::to_string(i) + " has the wrong element type"};
    if (length < minLength)
      throw Error{"argument " + std::to_string(i) + " holds " + std::to_string(length) + " elements, needs " +
                  std::to_string(minLength)};
    return static_cast<T*>(data);
  }
  float* floats(size_t i, size_t minLength, bool optional = false) {
    return array<float>(i, napi_float32_array, minLength, optional);
  }
  const int* ints(size_t i, size_t length) { return array<int>(i, napi_int32_array, length); }
  int integer(size_t i) {
    if (i >= argc) throw Error{"missing argument " + std::to_string(i)};
    int v;
    if (napi_get_value_int32(env, argv[i], &v) != napi_ok) throw Error{"argument " + std::to_string(i) + " must be a number"};
    return v;
  }
  std::string string(size_t i) {
    char buf[64];
    size_t len;
    if (i >= argc || napi_get_value_string_utf8(env, argv[i], buf, sizeof buf, &len) != napi_ok)
      throw Error{"argument " + std::to_string(i) + " must be a string"};
    return std::string(buf, len);
  }
};

template <typename F>
napi_value wrap(napi_env env, napi_callback_info info, F body) {
  Args a{env};
  napi_get_cb_info(env, info, &a.argc, a.argv, nullptr, nullptr);
  try {
    return body(a);
  } catch (const Error& e) {
    return throw_error(env, e.message);
  } catch (const std::exception& e) {
    return throw_error(env, e.what());
  }
}

// The kernels size their scratch rows from the geometry: reject what no tfjs call produces
// (negative sizes or padding, zero strides or dilations) before it can index out of bounds.
void check_geometry(const int* v, size_t count, size_t first_step, size_t steps) {
  for (size_t i = 0; i < count; i++) {
    const int least = i >= first_step && i < first_step + steps ? 1 : 0;
    if (v[i] < least) throw Error{"geometry[" + std::to_string(i) + "] = " + std::to_string(v[i]) + " is out of range"};
  }
}

// [n, h, w, ci, co, kh, kw, sh, sw, dh, dw, top, left, oh, ow]
cxr::ConvGeometry conv_geometry(const int* v) {
  check_geometry(v, 15, 7, 4);
  return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
}

// [n, h, w, c, kh, kw, sh, sw, top, left, oh, ow]
cxr::PoolGeometry pool_geometry(const int* v) {
  check_geometry(v, 12, 6, 2);
  return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
}

size_t conv_in(const cxr::ConvGeometry& g) { return static_cast<size_t>(g.n) * g.h * g.w * g.ci; }
size_t conv_out(const cxr::ConvGeometry& g) { return static_cast<size_t>(g.n) * g.oh * g.ow * g.co; }
size_t conv_filter(const cxr::ConvGeometry& g) { return static_cast<size_t>(g.kh) * g.kw * g.ci * g.co; }

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// conv2d(x, w, bias | null, y, geometry[15], activation)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    auto g = conv_geometry(a.ints(4, 15));
    const int activation = a.integer(5);
    if (activation != 0 && activation != 1) throw Error{"unknown activation " + std::to_string(activation)};
    cxr::conv2d(g, a.floats(0, conv_in(g)), a.floats(1, conv_filter(g)), a.floats(2, g.co, true),
                static_cast<cxr::Activation>(activation), a.floats(3, conv_out(g)));
    return undefined(env);
  });
}

// conv2dBackpropInput(dy, w, dx, geometry[15])
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    auto g = conv_geometry(a.ints(3, 15));
    cxr::conv2d_backprop_input(g, a.floats(0, conv_out(g)), a.floats(1, conv_filter(g)), a.floats(2, conv_in(g)));
    return undefined(env);
  });
}

// conv2dBackpropFilter(x, dy, dw, geometry[15])
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    auto g = conv_geometry(a.ints(3, 15));
    cxr::conv2d_backprop_filter(g, a.floats(0, conv_in(g)), a.floats(1, conv_out(g)), a.floats(2, conv_filter(g)));
    return undefined(env);
  });
}

size_t depthwise_filter(const cxr::ConvGeometry& g) { return static_cast<size_t>(g.kh) * g.kw * g.co; }

void check_depthwise(const cxr::ConvGeometry& g) {
  if (g.ci <= 0 || g.co % g.ci != 0) throw Error{"depthwise: output channels must be a multiple of input channels"};
}

// depthwiseConv2d(x, w, y, geometry[15]); geometry's co = ci · multiplier
napi_value DepthwiseConv2d(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    auto g = conv_geometry(a.ints(3, 15));
    check_depthwise(g);
    cxr::depthwise_conv2d(g, a.floats(0, conv_in(g)), a.floats(1, depthwise_filter(g)), a.floats(2, conv_out(g)));
    return undefined(env);
  });
}

// depthwiseBackpropInput(dy, w, dx, geometry[15])
napi_value DepthwiseBackpropInput(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    auto g = conv_geometry(a.ints(3, 15));
    check_depthwise(g);
    cxr::depthwise_backprop_input(g, a.floats(0, conv_out(g)), a.floats(1, depthwise_filter(g)), a.floats(2, conv_in(g)));
    return undefined(env);
  });
}

// depthwiseBackpropFilter(x, dy, dw, geometry[15])
napi_value DepthwiseBackpropFilter(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    auto g = conv_geometry(a.ints(3, 15));
    check_depthwise(g);
    cxr::depthwise_backprop_filter(g, a.floats(0, conv_in(g)), a.floats(1, conv_out(g)), a.floats(2, depthwise_filter(g)));
    return undefined(env);
  });
}

// matMul(a, b, c, [m, n, k, transposeA, transposeB]): c[m, n] = op(a) · op(b), row-major.
napi_value MatMul(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    const int* d = a.ints(3, 5);
    const int m = d[0], n = d[1], k = d[2];
    const bool ta = d[3], tb = d[4];
    const float* A = a.floats(0, static_cast<size_t>(m) * k);
    const float* B = a.floats(1, static_cast<size_t>(k) * n);
    float* C = a.floats(2, static_cast<size_t>(m) * n);
    cxr::View va = ta ? cxr::View{A, 1, m} : cxr::View{A, k, 1};
    cxr::View vb = tb ? cxr::View{B, 1, k} : cxr::View{B, n, 1};
    // Rows of C split across the workers.
    const int blocks = (m + 95) / 96;
    cxr::pool().run(blocks, [&](int t, int) {
      const int i0 = t * 96, rows = m - i0 < 96 ? m - i0 : 96;
      cxr::View sa{va.data + i0 * va.rows, va.rows, va.cols};
      cxr::gemm(rows, n, k, sa, vb, C + static_cast<size_t>(i0) * n, n, false);
    });
    return undefined(env);
  });
}

// sumRows(x, rows, cols, out)
napi_value SumRows(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    const int* d = a.ints(1, 2);
    const long rows = d[0];
    const int cols = d[1];
    cxr::sum_rows(a.floats(0, static_cast<size_t>(rows) * cols), rows, cols, a.floats(2, cols));
    return undefined(env);
  });
}

// maxPoolGrad(x, dy, dx, geometry[12])
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    const int* v = a.ints(3, 12);
    cxr::PoolGeometry g = pool_geometry(v);
    const size_t in = static_cast<size_t>(g.n) * g.h * g.w * g.c, out = static_cast<size_t>(g.n) * g.oh * g.ow * g.c;
    cxr::max_pool_grad(g, a.floats(0, in), a.floats(1, out), a.floats(2, in));
    return undefined(env);
  });
}

// maxPool(x, y, geometry[12])
napi_value MaxPool(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    const int* v = a.ints(2, 12);
    cxr::PoolGeometry g = pool_geometry(v);
    const size_t in = static_cast<size_t>(g.n) * g.h * g.w * g.c, out = static_cast<size_t>(g.n) * g.oh * g.ow * g.c;
    cxr::max_pool(g, a.floats(0, in), a.floats(1, out));
    return undefined(env);
  });
}

// binary(op, a, b, out): out has a's length; b's length divides it
napi_value Binary(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    const int op = a.integer(0);
    if (op < 0 || op > 3) throw Error{"unknown binary op"};
    const float* x = a.floats(1, 0);
    size_t n, m;
    napi_typedarray_type t;
    napi_get_typedarray_info(env, a.argv[1], &t, &n, nullptr, nullptr, nullptr);
    const float* y = a.floats(2, 1);
    napi_get_typedarray_info(env, a.argv[2], &t, &m, nullptr, nullptr, nullptr);
    if (n % m != 0) throw Error{"b's length must divide a's"};
    cxr::binary(static_cast<cxr::BinaryOp>(op), x, n, y, m, a.floats(3, n));
    return undefined(env);
  });
}

// unary(op, x, out, alpha)
napi_value Unary(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    const int op = a.integer(0);
    if (op < 0 || op > 1) throw Error{"unknown unary op"};
    const float* x = a.floats(1, 0);
    size_t n;
    napi_typedarray_type t;
    napi_get_typedarray_info(env, a.argv[1], &t, &n, nullptr, nullptr, nullptr);
    double alpha = 0;
    if (a.argc > 3) napi_get_value_double(env, a.argv[3], &alpha);
    cxr::unary(static_cast<cxr::UnaryOp>(op), x, n, static_cast<float>(alpha), a.floats(2, n));
    return undefined(env);
  });
}

// tile(x, out, shape, reps)
napi_value Tile(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    size_t rank;
    napi_typedarray_type t;
    const int* shape = a.ints(2, 1);
    napi_get_typedarray_info(env, a.argv[2], &t, &rank, nullptr, nullptr, nullptr);
    if (rank > 8) throw Error{"tile: rank above 8"};
    const int* reps = a.ints(3, rank);
    size_t in = 1, out = 1;
    for (size_t d = 0; d < rank; d++) {
      if (shape[d] < 0 || reps[d] < 0) throw Error{"tile: negative size"};
      in *= shape[d];
      out *= static_cast<size_t>(shape[d]) * reps[d];
    }
    cxr::tile(a.floats(0, in), shape, reps, static_cast<int>(rank), a.floats(1, out));
    return undefined(env);
  });
}

// setThreads(n)
napi_value SetThreads(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    const int n = a.integer(0);
    if (n < 1 || n > 256) throw Error{"threads must be in 1..256"};
    cxr::set_threads(n);
    return undefined(env);
  });
}

// setIsa("avx512" | "avx2" | "generic") → whether the CPU has it
napi_value SetIsa(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args& a) {
    napi_value r;
    const std::string name = a.string(0);
    if (name != "avx512" && name != "avx2" && name != "generic") throw Error{"unknown ISA '" + name + "'"};
    napi_get_boolean(env, cxr::set_gemm_isa(name.c_str()), &r);
    return r;
  });
}

// info() → { isa, threads }
napi_value Info(napi_env env, napi_callback_info info) {
  return wrap(env, info, [&](Args&) {
    napi_value o, isa, threads;
    napi_create_object(env, &o);
    napi_create_string_utf8(env, cxr::gemm_isa(), NAPI_AUTO_LENGTH, &isa);
    napi_create_int32(env, cxr::pool().size(), &threads);
    napi_set_named_property(env, o, "isa", isa);
    napi_set_named_property(env, o, "threads", threads);
    return o;
  });
}

// Writable and configurable, like a JS method, so tests can spy on calls.
constexpr napi_property_attributes kMethod = static_cast<napi_property_attributes>(napi_writable | napi_enumerable | napi_configurable);

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"depthwiseConv2d", nullptr, DepthwiseConv2d, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"depthwiseBackpropInput", nullptr, DepthwiseBackpropInput, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"depthwiseBackpropFilter", nullptr, DepthwiseBackpropFilter, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"sumRows", nullptr, SumRows, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGrad, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"maxPool", nullptr, MaxPool, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"tile", nullptr, Tile, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"setIsa", nullptr, SetIsa, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, kMethod, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
