#include "pool.h"

namespace cxr {

ThreadPool::ThreadPool(int threads) : threads_(threads < 1 ? 1 : threads) {
  for (int w = 1; w < threads_; w++) std::thread([this, w] { work(w); }).detach();
}

void ThreadPool::work(int worker) {
  unsigned long seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
    }
    for (int t; (t = next_.fetch_add(1)) < tasks_;) (*fn_)(t, worker);
    std::lock_guard<std::mutex> lock(mutex_);
    if (--busy_ == 0) finished_.notify_one();
  }
}

void ThreadPool::run(int tasks, const std::function<void(int, int)>& fn) {
  if (tasks <= 0) return;
  if (threads_ == 1 || tasks == 1) {
    for (int t = 0; t < tasks; t++) fn(t, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fn_ = &fn;
    tasks_ = tasks;
    next_ = 0;
    busy_ = threads_ - 1;
    generation_++;
  }
  wake_.notify_all();
  for (int t; (t = next_.fetch_add(1)) < tasks;) fn(t, 0);
  std::unique_lock<std::mutex> lock(mutex_);
  finished_.wait(lock, [&] { return busy_ == 0; });
}

static ThreadPool* current = nullptr;

ThreadPool& pool() {
  if (!current) {
    unsigned n = std::thread::hardware_concurrency();
    current = new ThreadPool(n ? static_cast<int>(n) : 1);
  }
  return *current;
}

// The old pool's workers stay asleep forever: cheap, and never racing a join at exit.
void set_threads(int threads) { current = new ThreadPool(threads); }

}  // namespace cxr
