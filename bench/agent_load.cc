// Load generator for bench/agent.bench (not part of the product): N client
// threads, each doing GET <path> over a fresh loopback connection (as
// Confidential Containers workloads do with curl), for a fixed time.
// Prints: requests errors seconds p50_us p99_us
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

struct Shared {
  int port;
  std::string request;
  double end_time;
};

struct Worker {
  pthread_t thread;
  const Shared *shared;
  std::vector<double> latencies_us;
  long errors = 0;
};

double now_seconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

bool one_request(const Shared &s) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(s.port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok =
      connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0 &&
      send(fd, s.request.data(), s.request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.request.size());
  std::string response;
  char buffer[4096];
  while (ok) {
    ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return ok && response.compare(0, 12, "HTTP/1.1 200") == 0;
}

void *run(void *arg) {
  Worker *w = static_cast<Worker *>(arg);
  while (now_seconds() < w->shared->end_time) {
    double start = now_seconds();
    bool ok = one_request(*w->shared);
    if (ok)
      w->latencies_us.push_back((now_seconds() - start) * 1e6);
    else
      ++w->errors;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    (void)fprintf(stderr, "usage: agent_load PORT PATH CLIENTS SECONDS\n");
    return 2;
  }
  Shared shared;
  shared.port = atoi(argv[1]);
  shared.request = std::string("GET ") + argv[2] + " HTTP/1.1\r\nHost: 127.0.0.1:8006\r\n\r\n";
  int clients = atoi(argv[3]);
  double seconds = atof(argv[4]);
  double start = now_seconds();
  shared.end_time = start + seconds;
  std::vector<Worker> workers(static_cast<size_t>(clients));
  for (Worker &w : workers) {
    w.shared = &shared;
    pthread_create(&w.thread, nullptr, run, &w);
  }
  std::vector<double> all;
  long errors = 0;
  for (Worker &w : workers) {
    pthread_join(w.thread, nullptr);
    all.insert(all.end(), w.latencies_us.begin(), w.latencies_us.end());
    errors += w.errors;
  }
  double elapsed = now_seconds() - start;
  std::sort(all.begin(), all.end());
  auto percentile = [&all](double p) {
    return all.empty() ? 0.0 : all[static_cast<size_t>(p * static_cast<double>(all.size() - 1))];
  };
  printf("%zu %ld %.3f %.1f %.1f\n", all.size(), errors, elapsed, percentile(0.5), percentile(0.99));
  return 0;
}
