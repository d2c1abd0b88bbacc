/*
 * id-load — asks for its ids as fast as it can for a while and checks every answer.
 *
 *   id-load SECONDS UID GID
 *
 * Loops getuid, geteuid (must answer UID), getgid, getegid (GID); every 16th round also
 * getresuid and getresgid, whose answers the supervisor writes into this process's memory.
 * Prints "calls=N" and exits 0, or prints the first wrong answer and exits 1. The clock is
 * the vDSO's, which no filter sees.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: id-load SECONDS UID GID\n");
    return 2;
  }
  double end = now() + atof(argv[1]);
  unsigned uid = (unsigned)strtoul(argv[2], NULL, 10), gid = (unsigned)strtoul(argv[3], NULL, 10);
  long calls = 0;
  for (long round = 0; now() < end; round++) {
    unsigned v[4] = {(unsigned)syscall(SYS_getuid), (unsigned)syscall(SYS_geteuid),
                     (unsigned)syscall(SYS_getgid), (unsigned)syscall(SYS_getegid)};
    calls += 4;
    int bad = v[0] != uid || v[1] != uid || v[2] != gid || v[3] != gid;
    unsigned r[3] = {uid, uid, uid}, s[3] = {gid, gid, gid};
    if (round % 16 == 0) {
      bad |= syscall(SYS_getresuid, &r[0], &r[1], &r[2]) != 0 || r[0] != uid || r[1] != uid || r[2] != uid;
      bad |= syscall(SYS_getresgid, &s[0], &s[1], &s[2]) != 0 || s[0] != gid || s[1] != gid || s[2] != gid;
      calls += 2;
    }
    if (bad) {
      printf("wrong answer after %ld calls: uid %u euid %u gid %u egid %u resuid %u %u %u resgid %u %u %u "
             "(want %u/%u)\n", calls, v[0], v[1], v[2], v[3], r[0], r[1], r[2], s[0], s[1], s[2], uid, gid);
      return 1;
    }
  }
  printf("calls=%ld\n", calls);
  return 0;
}
