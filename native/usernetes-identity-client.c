/*
 * usernetes-identity-client — the mount program launcher's way to the resident mount service.
 * Not meant to be run by hand.
 *
 *   usernetes-identity-client SOCKET MOUNT-ARGS...
 *
 * Sends the working directory, the environment and the mount program's arguments to the service
 * at SOCKET ("usernetes-identity/1", the directory, the number of environment entries, the
 * entries, the arguments, each ending in a NUL; then EOF) and waits for its answer, a line at a
 * time: "fallback", or "accepted" and then the mount program's exit status, followed by what it
 * would have said on stderr. The service makes and serves the mount, so a container's mount costs
 * a round trip instead of a JVM start.
 *
 * Exit status: the mount program's; 200 when nobody served the request (no socket, nobody
 * listening, a "fallback", the connection ending or 10 s passing before "accepted"): the
 * launcher then starts a service or a JVM for this mount. After "accepted" the connection
 * ending without a status means the service died: exit 1 with that reason, never a wait for
 * ever (at most 60 s for the mount).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "service-client.h"

#define NOT_SERVED 200
#define MAX_REPLY (1 << 20)
#define ACCEPT_SECONDS 10
#define MOUNT_SECONDS 60

extern char **environ;

static void wait_at_most(int s, int seconds) {
  struct timeval limit = {.tv_sec = seconds};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
}

/* Reads one line of at most size-1 bytes into line, without its newline; -1 on EOF, error or timeout. */
static int read_line(int s, char *line, size_t size) {
  size_t length = 0;
  while (length + 1 < size) {
    ssize_t n = recv(s, line + length, 1, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return -1;
    }
    if (line[length] == '\n') {
      line[length] = '\0';
      return 0;
    }
    length++;
  }
  return -1;
}

static int died(const char *socket, const char *what) {
  fprintf(stderr, "usernetes-identity: the mount service at %s %s; see its log\n", socket, what);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: usernetes-identity-client SOCKET MOUNT-ARGS...\n");
    return NOT_SERVED;
  }
  int s = connect_service(argv[1], ACCEPT_SECONDS);
  if (s < 0) {
    return NOT_SERVED;
  }

  char *cwd = getcwd(NULL, 0);
  size_t entries = 0;
  while (environ != NULL && environ[entries] != NULL) {
    entries++;
  }
  char count[24];
  snprintf(count, sizeof count, "%zu", entries);
  if (cwd == NULL || send_field(s, "usernetes-identity/1") != 0 || send_field(s, cwd) != 0
      || send_field(s, count) != 0) {
    return NOT_SERVED;
  }
  for (size_t i = 0; i < entries; i++) {
    if (send_field(s, environ[i]) != 0) {
      return NOT_SERVED;
    }
  }
  for (int i = 2; i < argc; i++) {
    if (send_field(s, argv[i]) != 0) {
      return NOT_SERVED;
    }
  }
  shutdown(s, SHUT_WR);

  char line[64];
  if (read_line(s, line, sizeof line) != 0 || strcmp(line, "accepted") != 0) {
    return NOT_SERVED; /* "fallback", nobody, or a service on its way out */
  }
  wait_at_most(s, MOUNT_SECONDS);
  if (read_line(s, line, sizeof line) != 0) {
    return died(argv[1], errno == EAGAIN ? "gave no answer within 60 s" : "ended before answering");
  }
  if (strcmp(line, "fallback") == 0) {
    return NOT_SERVED;
  }
  char *digits_end;
  long status = strtol(line, &digits_end, 10);
  if (digits_end == line || *digits_end != '\0' || status < 0 || status > 255 || status == NOT_SERVED) {
    return died(argv[1], "answered what is not an exit status");
  }
  char *said = malloc(MAX_REPLY);
  size_t length = 0;
  ssize_t n;
  while (said != NULL && length < MAX_REPLY && (n = recv(s, said + length, MAX_REPLY - length, 0)) != 0) {
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      break; /* the status is in: say what arrived */
    }
    length += (size_t)n;
  }
  if (length > 0) {
    fwrite(said, 1, length, stderr);
  }
  return (int)status;
}
