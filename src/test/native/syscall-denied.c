/*
 * syscall-denied — run a command under a seccomp filter that fails some system calls, as a
 * container profile does with calls it does not know.
 *
 *   syscall-denied ERRNO NR[,NR...] CMD [ARG...]
 *
 * Every listed call fails with ERRNO; everything else is allowed. Numbers are compared without
 * looking at the architecture: a test helper for native programs of the machine it runs on. The filter is inherited by everything CMD starts.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: syscall-denied ERRNO NR[,NR...] CMD [ARG...]\n");
    return 2;
  }
  unsigned errno_value = (unsigned)atoi(argv[1]);
  struct sock_filter f[64];
  unsigned n = 0;
  f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  for (char *nr = strtok(argv[2], ","); nr != NULL && n < 60; nr = strtok(NULL, ",")) {
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)atoi(nr), 0, 1);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (errno_value & SECCOMP_RET_DATA));
  }
  f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    perror("syscall-denied: seccomp");
    return 125;
  }
  execvp(argv[3], argv + 3);
  perror(argv[3]);
  return 127;
}
