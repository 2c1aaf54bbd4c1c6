// Threads, a mutex and a condition variable over pthreads.
//
// Not std::thread/std::mutex: in a static musl binary libstdc++'s gthread
// layer decides at run time whether threads exist by looking for a weak
// pthread symbol, and may turn every lock into a no-op. Calling pthreads
// directly has no such trap.
#pragma once

#include <pthread.h>

#include <functional>
#include <memory>

#include "lib/core/result.h"

namespace bp {

class Mutex {
 public:
  Mutex() { pthread_mutex_init(&mutex_, nullptr); }
  Mutex(const Mutex &) = delete;
  Mutex &operator=(const Mutex &) = delete;
  ~Mutex() { pthread_mutex_destroy(&mutex_); }

  void lock() { pthread_mutex_lock(&mutex_); }
  void unlock() { pthread_mutex_unlock(&mutex_); }
  pthread_mutex_t *native() { return &mutex_; }

 private:
  pthread_mutex_t mutex_;
};

class MutexLock {
 public:
  explicit MutexLock(Mutex &mutex) : mutex_(mutex) { mutex_.lock(); }
  MutexLock(const MutexLock &) = delete;
  MutexLock &operator=(const MutexLock &) = delete;
  ~MutexLock() { mutex_.unlock(); }

 private:
  Mutex &mutex_;
};

class CondVar {
 public:
  CondVar() { pthread_cond_init(&cond_, nullptr); }
  CondVar(const CondVar &) = delete;
  CondVar &operator=(const CondVar &) = delete;
  ~CondVar() { pthread_cond_destroy(&cond_); }

  // The caller holds mutex (through a MutexLock).
  void wait(Mutex &mutex) { pthread_cond_wait(&cond_, mutex.native()); }
  void signal() { pthread_cond_signal(&cond_); }
  void broadcast() { pthread_cond_broadcast(&cond_); }

 private:
  pthread_cond_t cond_;
};

// A joinable thread running a function. Destroying a Thread that was
// started and not joined joins it, so no thread outlives what it uses.
class Thread {
 public:
  Thread() = default;
  static Result<Thread> start(std::function<void()> body);

  Thread(Thread &&other) noexcept;
  Thread &operator=(Thread &&other) noexcept;
  Thread(const Thread &) = delete;
  Thread &operator=(const Thread &) = delete;
  ~Thread() { join(); }

  bool joinable() const { return started_; }
  void join();

 private:
  pthread_t thread_{};
  bool started_ = false;
};

}  // namespace bp
