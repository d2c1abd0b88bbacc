/*
 * tree-walk — the in-container load of scripts/bench-runtime. Not part of the installed product.
 *
 *   tree-walk stat DIR            lstat every entry under DIR (what ls -lR and find do)
 *   tree-walk chown DIR UID GID   lchown every entry under DIR to UID:GID (what chown -R does)
 *
 * Prints "ms=M entries=N": the walk's own time, so a container's start-up is not part of it.
 * Static, so it runs in any root file system.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long entries;
static int chowning;
static uid_t to_uid;
static gid_t to_gid;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)ftw;
  if (flag == FTW_NS || flag == FTW_DNR) {
    fprintf(stderr, "tree-walk: cannot stat or read %s\n", path);
    return 1;
  }
  if (chowning && lchown(path, to_uid, to_gid) != 0) {
    perror(path);
    return 1;
  }
  entries++;
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "stat") == 0) {
    chowning = 0;
  } else if (argc == 5 && strcmp(argv[1], "chown") == 0) {
    chowning = 1;
    to_uid = (uid_t)strtoul(argv[3], NULL, 10);
    to_gid = (gid_t)strtoul(argv[4], NULL, 10);
  } else {
    fprintf(stderr, "usage: tree-walk stat DIR | tree-walk chown DIR UID GID\n");
    return 2;
  }
  double start = now_ms();
  if (nftw(argv[2], visit, 64, FTW_PHYS) != 0) {
    return 1;
  }
  printf("ms=%.3f entries=%ld\n", now_ms() - start, entries);
  return 0;
}
