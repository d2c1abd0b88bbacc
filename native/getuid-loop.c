/*
 * getuid-loop — the load generator of scripts/bench-notify. Not part of the installed product.
 *
 *   getuid-loop latency N BATCHES      N getuid() calls per batch, BATCHES batches; prints
 *                                      "ns_per_call=M uid=U min=A max=B" (M: median over batches)
 *   getuid-loop throughput PROCS SECS  PROCS processes call getuid() for SECS seconds each,
 *                                      started together; prints "calls_per_s=T uid=U"
 *
 * Static and without libc caching: every call is a real getuid system call (glibc does not
 * cache it, and syscall(2) is used to be sure), so under a filter every call is one seccomp
 * notification. uid= is what the last call returned, so the caller can check the answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int latency(long n, int batches) {
  double *per = calloc((size_t)batches, sizeof *per);
  long uid = -1;
  if (!per) return 2;
  for (int b = 0; b < batches; b++) {
    long start = now_ns();
    for (long i = 0; i < n; i++) uid = syscall(SYS_getuid);
    per[b] = (double)(now_ns() - start) / (double)n;
  }
  qsort(per, (size_t)batches, sizeof *per, compare);
  double median = batches % 2 ? per[batches / 2] : (per[batches / 2 - 1] + per[batches / 2]) / 2;
  printf("ns_per_call=%.1f uid=%ld min=%.1f max=%.1f\n", median, uid, per[0], per[batches - 1]);
  return 0;
}

static int throughput(int procs, double seconds) {
  int go[2], counts[2];
  if (pipe(go) != 0 || pipe(counts) != 0) { perror("pipe"); return 2; }
  for (int p = 0; p < procs; p++) {
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 2; }
    if (pid == 0) {
      char c;
      close(go[1]);
      while (read(go[0], &c, 1) < 0 && errno == EINTR) {}
      long calls = 0, uid = -1, end = now_ns() + (long)(seconds * 1e9);
      while (1) {
        for (int i = 0; i < 64; i++) uid = syscall(SYS_getuid);
        calls += 64;
        if (now_ns() >= end) break;
      }
      long out[2] = {calls, uid};
      if (write(counts[1], out, sizeof out) != sizeof out) _exit(1);
      _exit(0);
    }
  }
  close(go[0]);
  long start = now_ns();
  close(go[1]); /* EOF: every child starts now */
  long total = 0, uid = -1;
  for (int p = 0; p < procs; p++) {
    long in[2];
    ssize_t r;
    while ((r = read(counts[0], in, sizeof in)) < 0 && errno == EINTR) {}
    if (r != sizeof in) { fprintf(stderr, "getuid-loop: a child failed\n"); return 2; }
    total += in[0];
    uid = in[1];
  }
  double elapsed = (double)(now_ns() - start) / 1e9;
  while (wait(NULL) > 0) {}
  printf("calls_per_s=%.0f uid=%ld seconds=%.3f\n", (double)total / elapsed, uid, elapsed);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "latency") == 0) return latency(atol(argv[2]), atoi(argv[3]));
  if (argc == 4 && strcmp(argv[1], "throughput") == 0) return throughput(atoi(argv[2]), atof(argv[3]));
  fprintf(stderr, "usage: getuid-loop latency N BATCHES | throughput PROCS SECONDS\n");
  return 2;
}
