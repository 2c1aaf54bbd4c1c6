#include "lib/core/thread.h"

#include <utility>

namespace bp {
namespace {

void *run_body(void *arg) {
  std::unique_ptr<std::function<void()>> body(static_cast<std::function<void()> *>(arg));
  (*body)();
  return nullptr;
}

}  // namespace

Result<Thread> Thread::start(std::function<void()> body) {
  auto owned = std::make_unique<std::function<void()>>(std::move(body));
  Thread thread;
  int err = pthread_create(&thread.thread_, nullptr, run_body, owned.get());
  if (err != 0) return Error::from_errno("pthread_create", err);
  (void)owned.release();  // run_body owns it now
  thread.started_ = true;
  return thread;
}

Thread::Thread(Thread &&other) noexcept
    : thread_(other.thread_), started_(std::exchange(other.started_, false)) {}

Thread &Thread::operator=(Thread &&other) noexcept {
  if (this != &other) {
    join();
    thread_ = other.thread_;
    started_ = std::exchange(other.started_, false);
  }
  return *this;
}

void Thread::join() {
  if (!started_) return;
  pthread_join(thread_, nullptr);
  started_ = false;
}

}  // namespace bp
