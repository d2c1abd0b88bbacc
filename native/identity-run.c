/*
 * identity-run — the helper behind `identity-supervisor run`. Not meant to be run by hand.
 *
 *   identity-run SOCKET METADATA CMD [ARG...]
 *
 * A JVM cannot run code between fork and exec, so this small program does, in the process that
 * becomes CMD: set no_new_privs, install a seccomp filter that sends the identity calls
 * (getuid & co., every ABI of this architecture) and unshare/setns to user space with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER, hand the listener fd to the supervisor at SOCKET with the
 * same OCI container-process-state message runc and crun send (METADATA becomes its
 * "metadata", i.e. listenerMetadata: UID=, GID=, GROUPS= lines, plus the line
 * NAMESPACE_CALLS=notified that tells what this filter sends), wait for the supervisor's
 * "ok", then exec CMD. The filter survives exec; the fd (O_CLOEXEC) does not.
 *
 * Exit status: CMD's own once exec'd; 125 when the filter or the handoff fails; 126/127 when
 * CMD cannot be executed / found, as shells do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef AUDIT_ARCH_I386
#define AUDIT_ARCH_I386 0x40000003U
#endif
#ifndef AUDIT_ARCH_ARM
#define AUDIT_ARCH_ARM 0x40000028U
#endif

#define ERROR_STATUS 125
static const char *program = "identity-supervisor";

static void die(const char *what) {
  fprintf(stderr, "%s: %s: %s\n", program, what, strerror(errno));
  exit(ERROR_STATUS);
}

#define NOTIFY ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF))
#define ALLOW ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW))
#define LOAD(field) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field)))
/* if A == n, jump `to_notify` instructions ahead (counted from the next one): the block's NOTIFY */
#define IS(n, to_notify) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (n), (to_notify), 0))

/*
 * The identity calls, then unshare and setns (the supervisor forgets what it knew of a thread's
 * user namespace when it makes one; the metadata promises it: NAMESPACE_CALLS). The compat
 * identity numbers (legacy 16-bit calls and the *32 ones) are shared by i386 and 32-bit ARM.
 */
#define COMPAT_IDENTITY_CALLS 24, 47, 49, 50, 80, 165, 171, 199, 200, 201, 202, 205, 209, 211
#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define COMPAT_ARCH AUDIT_ARCH_I386
#define X32_BIT 0x40000000U
static const unsigned native_calls[] = {102, 104, 107, 108, 115, 118, 120, 272, 308};
static const unsigned compat_calls[] = {COMPAT_IDENTITY_CALLS, 310, 346};
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define COMPAT_ARCH AUDIT_ARCH_ARM
#define X32_BIT 0U
static const unsigned native_calls[] = {148, 150, 158, 174, 175, 176, 177, 97, 268};
static const unsigned compat_calls[] = {COMPAT_IDENTITY_CALLS, 337, 375};
#else
#error "identity-run supports x86_64 and aarch64"
#endif

#define N_NATIVE (sizeof native_calls / sizeof native_calls[0])
#define N_COMPAT (sizeof compat_calls / sizeof compat_calls[0])

/*
 * Layout: arch checks; native block (x32 numbers too, whose bit is cleared first: an x32
 * getuid is 102|X32_BIT); compat block. Every block ends in ALLOW then NOTIFY, and each
 * comparison jumps straight to its block's NOTIFY.
 */
static struct sock_fprog build_filter(void) {
  static struct sock_filter f[64];
  unsigned n = 0, i;
  f[n++] = LOAD(arch);
  f[n++] = IS(NATIVE_ARCH, 2);              /* over the compat check and ALLOW: the native block */
  f[n++] = IS(COMPAT_ARCH, 1 + N_NATIVE + 4); /* over ALLOW and the native block: the compat block */
  f[n++] = ALLOW;                             /* an architecture we do not know */
  /* native block: 2 + N_NATIVE + 2 instructions */
  f[n++] = LOAD(nr);
  f[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~X32_BIT);
  for (i = 0; i < N_NATIVE; i++) f[n++] = IS(native_calls[i], N_NATIVE - i);
  f[n++] = ALLOW;
  f[n++] = NOTIFY;
  /* compat block */
  f[n++] = LOAD(nr);
  for (i = 0; i < N_COMPAT; i++) f[n++] = IS(compat_calls[i], N_COMPAT - i);
  f[n++] = ALLOW;
  f[n++] = NOTIFY;
  struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
  return prog;
}

/* Appends s to buf as a JSON string body (without quotes). */
static size_t json_escape(char *buf, size_t at, size_t cap, const char *s) {
  for (; *s && at + 7 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') { buf[at++] = '\\'; buf[at++] = (char)c; }
    else if (c < 0x20) at += (size_t)snprintf(buf + at, cap - at, "\\u%04x", c);
    else buf[at++] = (char)c;
  }
  buf[at] = 0;
  return at;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "%s: identity-run is the helper of `identity-supervisor run`; usage: "
            "identity-run SOCKET METADATA CMD [ARG...]\n", program);
    return ERROR_STATUS;
  }
  const char *socket_path = argv[1], *metadata = argv[2];
  if (strlen(socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
    errno = ENAMETOOLONG;
    die("supervisor socket path");
  }

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("prctl(PR_SET_NO_NEW_PRIVS)");
  struct sock_fprog prog = build_filter();
  long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                          SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
  if (listener < 0 && errno == EINVAL) /* kernels before 5.19 */
    listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  if (listener < 0) die(errno == EBUSY ? "seccomp: this process already has a listener (nested supervisor?)"
                                       : "seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER)");

  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) die("socket");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strcpy(addr.sun_path, socket_path);
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect to the supervisor");

  static char json[65536];
  size_t at = (size_t)snprintf(json, sizeof json,
      "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"", (int)getpid());
  at = json_escape(json, at, sizeof json - 256, metadata);
  /* this filter sends unshare and setns too: say so (NamespaceCalls in the supervisor) */
  at += (size_t)snprintf(json + at, sizeof json - at, "%sNAMESPACE_CALLS=notified", *metadata ? "\\n" : "");
  at += (size_t)snprintf(json + at, sizeof json - at,
      "\",\"state\":{\"ociVersion\":\"1.0.2\",\"id\":\"run-%d\",\"status\":\"creating\",\"pid\":%d,"
      "\"bundle\":\"/\"}}", (int)getpid(), (int)getpid());

  struct iovec iov = {.iov_base = json, .iov_len = at};
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf};
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  int fd = (int)listener;
  memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
  ssize_t sent;
  do sent = sendmsg(s, &msg, MSG_NOSIGNAL); while (sent < 0 && errno == EINTR);
  if (sent < 0) die("sendmsg to the supervisor");
  size_t done = (size_t)sent;
  while (done < at) { /* the fd went with the first chunk */
    ssize_t w = send(s, json + done, at - done, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) die("send to the supervisor");
    done += (size_t)w;
  }
  close(fd);
  if (shutdown(s, SHUT_WR) != 0) die("shutdown");

  char reply[16];
  size_t got = 0;
  for (;;) {
    ssize_t r = read(s, reply + got, sizeof reply - 1 - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
    if (got == sizeof reply - 1) break;
  }
  reply[got] = 0;
  close(s);
  if (strcmp(reply, "ok\n") != 0) {
    fprintf(stderr, "%s: the supervisor did not take the listener (see its log)\n", program);
    return ERROR_STATUS;
  }

  execvp(argv[3], argv + 3);
  int e = errno;
  fprintf(stderr, "%s: %s: %s\n", program, argv[3], strerror(e));
  return e == ENOENT ? 127 : 126;
}
