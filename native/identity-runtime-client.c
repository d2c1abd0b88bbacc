/*
 * identity-runtime-client — the fast path of the identity-runtime launcher. Not meant to be run
 * by hand.
 *
 *   identity-runtime-client SOCKET RUNTIME-ARGS...
 *
 * Sends the runtime's working directory and arguments to `identity-runtime serve` at SOCKET
 * ("identity-runtime/1", the directory and each argument, each ending in a NUL; then EOF), and
 * waits for its answer: a first line with the exit status (or "fallback"), then what to print on
 * stderr. A resident JVM does the work, so a container's create costs a round trip instead of a
 * JVM start.
 *
 * Exit status: the service's; 200 when there is no service to ask (no socket, nobody listening,
 * a "fallback" answer, no answer within 10 s): the launcher then runs the JVM itself. It never
 * waits for ever.
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
#define WAIT_SECONDS 10

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: identity-runtime-client SOCKET RUNTIME-ARGS...\n");
    return NOT_SERVED;
  }
  int s = connect_service(argv[1], WAIT_SECONDS);
  if (s < 0) {
    return NOT_SERVED;
  }
  char *cwd = getcwd(NULL, 0);
  if (cwd == NULL || send_field(s, "identity-runtime/1") != 0 || send_field(s, cwd) != 0) {
    return NOT_SERVED;
  }
  for (int i = 2; i < argc; i++) {
    if (send_field(s, argv[i]) != 0) {
      return NOT_SERVED;
    }
  }
  shutdown(s, SHUT_WR);

  char *reply = malloc(MAX_REPLY + 1);
  size_t length = 0;
  ssize_t n;
  while (reply != NULL && length < MAX_REPLY && (n = recv(s, reply + length, MAX_REPLY - length, 0)) != 0) {
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return NOT_SERVED; /* a timeout: the launcher does the work itself */
    }
    length += (size_t)n;
  }
  if (reply == NULL) {
    return NOT_SERVED;
  }
  reply[length] = '\0';
  char *end = memchr(reply, '\n', length);
  if (end == NULL) {
    return NOT_SERVED;
  }
  *end = '\0';
  char *digits_end;
  long status = strtol(reply, &digits_end, 10);
  if (digits_end == reply || *digits_end != '\0' || status < 0 || status > 255 || status == NOT_SERVED) {
    return NOT_SERVED; /* "fallback", or not an answer */
  }
  const char *said = end + 1;
  size_t said_length = length - (size_t)(said - reply);
  if (said_length > 0 && fwrite(said, 1, said_length, stderr) != said_length) {
    return NOT_SERVED;
  }
  return (int)status;
}
