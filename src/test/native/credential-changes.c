/*
 * credential-changes — one thread whose ids change after it asked for them, under
 * `identity-supervisor run`: every answer must follow the change.
 *
 *   credential-changes KERNEL_ID
 *
 * Runs as root. Prints one line per stage, "STAGE uid euid resuid", each asked twice (the
 * second answer may come from the supervisor's per-thread cache):
 *   root       as started
 *   setresuid  after setresuid(KERNEL_ID) on this thread
 *   unshare    after unshare(CLONE_NEWUSER), before any uid_map: the kernel says 65534
 *   mapped     after writing "0 KERNEL_ID 1" to its uid_map: the thread is root in there
 *   nested     after a second unshare(CLONE_NEWUSER) mapped "7 0 1": the thread is 7 in there
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void stage(const char *name) {
  for (int i = 0; i < 2; i++) {
    unsigned r[3] = {0, 0, 0};
    unsigned u = (unsigned)syscall(SYS_getuid), e = (unsigned)syscall(SYS_geteuid);
    syscall(SYS_getresuid, &r[0], &r[1], &r[2]);
    if (i == 1) printf("%s %u %u %u %u %u\n", name, u, e, r[0], r[1], r[2]);
  }
  fflush(stdout);
}

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
    perror(path);
    exit(1);
  }
  close(fd);
}

/* uid_map as given; gid_map "0 0 1" (the gid stays root's; a nested namespace needs both maps) */
static void map(const char *uids) {
  write_file("/proc/self/uid_map", uids);
  write_file("/proc/self/setgroups", "deny");
  write_file("/proc/self/gid_map", "0 0 1\n");
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  unsigned k = (unsigned)atol(argv[1]);
  char text[64];
  stage("root");
  if (syscall(SYS_setresuid, k, k, k) != 0) { perror("credential-changes: setresuid"); return 1; }
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* an id change clears it; /proc/self/uid_map needs it */
  stage("setresuid");
  if (unshare(CLONE_NEWUSER) != 0) { perror("credential-changes: unshare"); return 1; }
  stage("unshare");
  snprintf(text, sizeof text, "0 %u 1\n", k);
  map(text);
  stage("mapped");
  if (unshare(CLONE_NEWUSER) != 0) { perror("credential-changes: unshare"); return 1; }
  map("7 0 1\n");
  stage("nested");
  return 0;
}
