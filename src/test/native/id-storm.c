/*
 * id-storm — many short processes and threads, each with ids of its own, asking for them
 * concurrently under `identity-supervisor run`: every answer must be the caller's.
 *
 *   id-storm PROCESSES CONCURRENCY THREADS CALLS KERNEL_BASE ANSWER_BASE SPREAD KILL_EVERY
 *
 * Runs as root. Keeps CONCURRENCY children alive until PROCESSES were started. Child i starts
 * THREADS threads; thread t takes the ids KERNEL_BASE + j (j = (i*THREADS + t) % SPREAD) for
 * itself alone (raw setresuid/setresgid/setgroups act on the calling thread only), then CALLS
 * times checks getuid, geteuid, getgid, getegid (each must answer ANSWER_BASE + j),
 * getresuid, getresgid (three times that) and getgroups (that one group). Every KILL_EVERY-th
 * child is sent SIGKILL 0-3 ms after it starts, wherever it is (often blocked in a notified
 * call); those are not counted. Prints "started=N killed=K failed=F" and exits 0 only when no
 * counted child failed. A failed check prints what it got on stderr.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long calls, kernel_base, answer_base, spread, threads;
static int child_index;

static void *thread_main(void *arg) {
  long t = (long)arg;
  long j = (child_index * threads + t) % spread;
  unsigned k = (unsigned)(kernel_base + j), want = (unsigned)(answer_base + j);
  gid_t group = k;
  if (syscall(SYS_setgroups, 1, &group) || syscall(SYS_setresgid, k, k, k) || syscall(SYS_setresuid, k, k, k)) {
    perror("id-storm: set ids");
    return (void *)1;
  }
  for (long c = 0; c < calls; c++) {
    unsigned v[4] = {(unsigned)syscall(SYS_getuid), (unsigned)syscall(SYS_geteuid),
                     (unsigned)syscall(SYS_getgid), (unsigned)syscall(SYS_getegid)};
    uid_t r[3] = {0, 0, 0}, s[3] = {0, 0, 0};
    gid_t groups[4] = {0, 0, 0, 0};
    long n = 0;
    int bad = 0;
    for (int x = 0; x < 4; x++) bad |= v[x] != want;
    if (c % 4 == 0) { /* the calls whose answers are written into our memory */
      bad |= syscall(SYS_getresuid, &r[0], &r[1], &r[2]) != 0 || r[0] != want || r[1] != want || r[2] != want;
      bad |= syscall(SYS_getresgid, &s[0], &s[1], &s[2]) != 0 || s[0] != want || s[1] != want || s[2] != want;
      n = syscall(SYS_getgroups, 4, groups);
      bad |= n != 1 || groups[0] != want;
    }
    if (bad) {
      fprintf(stderr, "id-storm: tid %ld kernel id %u: want %u, got uid %u euid %u gid %u egid %u "
              "resuid %u %u %u resgid %u %u %u groups(%ld) %u\n", syscall(SYS_gettid), k, want,
              v[0], v[1], v[2], v[3], r[0], r[1], r[2], s[0], s[1], s[2], n, groups[0]);
      return (void *)1;
    }
  }
  return NULL;
}

static int child(void) {
  pthread_t ids[64];
  int failed = 0;
  for (long t = 0; t < threads; t++)
    if (pthread_create(&ids[t], NULL, thread_main, (void *)t) != 0) return 1;
  for (long t = 0; t < threads; t++) {
    void *r;
    pthread_join(ids[t], &r);
    failed |= r != NULL;
  }
  return failed;
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: id-storm PROCESSES CONCURRENCY THREADS CALLS KERNEL_BASE ANSWER_BASE SPREAD KILL_EVERY\n");
    return 2;
  }
  long processes = atol(argv[1]), concurrency = atol(argv[2]);
  threads = atol(argv[3]);
  calls = atol(argv[4]);
  kernel_base = atol(argv[5]);
  answer_base = atol(argv[6]);
  spread = atol(argv[7]);
  long kill_every = atol(argv[8]);
  if (threads < 1 || threads > 64 || spread < 1) return 2;
  long started = 0, running = 0, killed = 0, failed = 0;
  pid_t *victims = calloc((size_t)processes + 1, sizeof(pid_t));
  srand((unsigned)getpid());
  while (started < processes || running > 0) {
    while (started < processes && running < concurrency) {
      child_index = (int)started;
      pid_t p = fork();
      if (p < 0) { perror("id-storm: fork"); break; }
      if (p == 0) _exit(child());
      running++;
      if (kill_every > 0 && started % kill_every == kill_every - 1) {
        struct timespec d = {0, (rand() % 3000) * 1000L};
        nanosleep(&d, NULL);
        kill(p, SIGKILL);
        victims[started] = p;
      }
      started++;
    }
    int status;
    pid_t p = wait(&status);
    if (p < 0) break;
    running--;
    int victim = 0;
    for (long v = 0; v < started && !victim; v++) victim = victims[v] == p;
    if (victim && WIFSIGNALED(status)) killed++;
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed++;
  }
  printf("started=%ld killed=%ld failed=%ld\n", started, killed, failed);
  return failed ? 1 : 0;
}
