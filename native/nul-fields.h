/*
 * The native clients' wire form: fields that each end in a NUL, sent whole over a stream socket
 * (daemon/NulFields.java reads them). Included by identity-runtime-client.c and
 * usernetes-identity-client.c, each a static program of its own.
 */
#ifndef NUL_FIELDS_H
#define NUL_FIELDS_H

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

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
