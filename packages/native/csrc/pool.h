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

ThreadPool& pool();
void set_threads(int threads);

}  // namespace cxr
