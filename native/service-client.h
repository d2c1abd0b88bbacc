/*
 * What the native clients of the resident services share: connecting to a service's socket, and
 * the wire form of a request, fields that each end in a NUL, sent whole (daemon/NulFields.java
 * reads them). Included by identity-runtime-client.c and usernetes-identity-client.c, each a
 * static program of its own.
 */
#ifndef SERVICE_CLIENT_H
#define SERVICE_CLIENT_H

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* A stream socket connected to the service at path, with sends and receives that give up after
 * seconds; -1 when nobody listens there (or the path cannot be a socket's). */
static int connect_service(const char *path, int seconds) {
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof address.sun_path) {
    return -1;
  }
  strcpy(address.sun_path, path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    return -1;
  }
  if (connect(s, (struct sockaddr *)&address, sizeof address) != 0) {
    close(s);
    return -1;
  }
  struct timeval limit = {.tv_sec = seconds};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  return s;
}

/* Sends all of data (retrying short sends and EINTR); -1 on failure, never SIGPIPE. */
static int send_all(int s, const char *data, size_t length) {
  while (length > 0) {
    ssize_t n = send(s, data, length, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return -1;
    }
    data += n;
    length -= (size_t)n;
  }
  return 0;
}

static int send_field(int s, const char *field) {
  return send_all(s, field, strlen(field) + 1); /* with its NUL */
}

#endif
