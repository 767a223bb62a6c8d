// A fixed set of worker threads for data-parallel loops. The calling thread works too.
// Workers sleep on a condition variable between jobs (no spinning: the wasm backend's own
// threads share the same cores) and are detached, so process exit never waits for them.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cxr {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  int size() const { return threads_; }
  // Runs fn(task, worker) for every task in [0, tasks); worker is in [0, size()).
  void run(int tasks, const std::function<void(int, int)>& fn);

 private:
  void work(int worker);
  int threads_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  const std::function<void(int, int)>* fn_ = nullptr;
  std::atomic<int> next_{0};
  int tasks_ = 0;
  int busy_ = 0;
  unsigned long generation_ = 0;
};

// Per-worker accumulators of n doubles for reductions over tasks: each worker adds into its own
// (allocated on first use), and sum_into adds them up per element — no locks, and the same order
// of additions whatever the task schedule was.
class WorkerSums {
 public:
  WorkerSums(int workers, size_t n) : n_(n), sums_(workers) {}
  double* of(int worker) {
    auto& s = sums_[worker];
    if (s.empty()) s.assign(n_, 0.0);
    return s.data();
  }
  void sum_into(float* out) const {
    for (size_t k = 0; k < n_; k++) {
      double t = 0;
      for (const auto& s : sums_)
        if (!s.empty()) t += s[k];
      out[k] = static_cast<float>(t);
    }
  }

 private:
  size_t n_;
  std::vector<std::vector<double>> sums_;
};

ThreadPool& pool();
void set_threads(int threads);

}  // namespace cxr
