/*
 * notify-agent — the reference of scripts/bench-notify: the least a seccomp agent can do to
 * answer getuid & co. Not part of the installed product.
 *
 *   notify-agent SOCKET UID GID
 *
 * It takes listener fds exactly as identity-supervisor does (an OCI container-process-state
 * message with the fd in SCM_RIGHTS, from identity-run, runc or crun; "ok\n" back), sets
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, and serves each fd on its own thread: poll, RECV,
 * ID_VALID, SEND with UID for getuid/geteuid and GID for getgid/getegid (x86_64 and aarch64
 * numbers), CONTINUE for anything else; it ends a listener on POLLHUP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif

#if defined(__x86_64__)
enum { NR_GETUID = 102, NR_GETGID = 104, NR_GETEUID = 107, NR_GETEGID = 108 };
#elif defined(__aarch64__)
enum { NR_GETUID = 174, NR_GETEUID = 175, NR_GETGID = 176, NR_GETEGID = 177 };
#else
#error "notify-agent supports x86_64 and aarch64"
#endif

static long uid_answer, gid_answer;

static void *serve(void *arg) {
  int fd = (int)(intptr_t)arg;
  struct seccomp_notif req;
  struct seccomp_notif_resp resp;
  struct pollfd p = {.fd = fd, .events = POLLIN};
  for (;;) {
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (!(p.revents & POLLIN)) {
      if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) break;
      continue;
    }
    memset(&req, 0, sizeof req);
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
      if (errno == EINTR || errno == ENOENT) continue;
      break;
    }
    memset(&resp, 0, sizeof resp);
    resp.id = req.id;
    switch (req.data.nr) {
      case NR_GETUID: case NR_GETEUID: resp.val = uid_answer; break;
      case NR_GETGID: case NR_GETEGID: resp.val = gid_answer; break;
      default: resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    }
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) != 0) continue; /* gone: no answer */
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0 && errno != ENOENT) break;
  }
  close(fd);
  return NULL;
}

/* One handoff: the state message (read to EOF) and its fd; "ok\n" once served. */
static void take(int c) {
  char data[65536];
  union { char buf[CMSG_SPACE(sizeof(int) * 8)]; struct cmsghdr align; } control;
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf};
  ssize_t r;
  do r = recvmsg(c, &msg, MSG_CMSG_CLOEXEC); while (r < 0 && errno == EINTR);
  if (r < 0) return;
  int fd = -1;
  for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h))
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS && h->cmsg_len >= CMSG_LEN(sizeof(int)))
      memcpy(&fd, CMSG_DATA(h), sizeof fd);
  while ((r = read(c, data, sizeof data)) > 0 || (r < 0 && errno == EINTR)) {} /* rest of the state */
  if (fd < 0) return;
  if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) != 0)
    fprintf(stderr, "notify-agent: SET_FLAGS(SYNC_WAKE_UP): %s\n", strerror(errno));
  pthread_t t;
  if (pthread_create(&t, NULL, serve, (void *)(intptr_t)fd) != 0) { close(fd); return; }
  pthread_detach(t);
  if (write(c, "ok\n", 3) != 3) { /* the helper reports it */ }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: notify-agent SOCKET UID GID\n");
    return 2;
  }
  uid_answer = atol(argv[2]);
  gid_answer = atol(argv[3]);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (s < 0 || strlen(argv[1]) >= sizeof addr.sun_path) { perror("notify-agent: socket"); return 1; }
  strcpy(addr.sun_path, argv[1]);
  unlink(argv[1]);
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s, 16) != 0) {
    perror("notify-agent: bind");
    return 1;
  }
  fprintf(stderr, "notify-agent: serving %s\n", argv[1]);
  for (;;) {
    int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR) continue;
      perror("notify-agent: accept");
      return 1;
    }
    take(c);
    close(c);
  }
}
