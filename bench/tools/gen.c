/* Filesystem load generator, the same for every subject: plain syscalls in a tight loop.
 *   gen create DIR PREFIX N          open(O_CREAT)+close N files
 *   gen tree DIR NDIRS NFILES        DIR/gG/dI/fJ (G = I % 50), created before a watcher starts
 *   gen spread DIR NDIRS N           open(O_CREAT)+close N files over a tree's dirs: DIR/gG/dI/nK, I = K % NDIRS
 *   gen race DIR N                   mkdir -p DIR/aI/b/c && touch DIR/aI/b/c/f, no pause
 *   gen rename DIR FROM TO N         rename DIR/FROM<i> -> DIR/TO<i>  (FROM/TO may contain '/') */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void touch(const char *p) {
  int f = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (f < 0) { perror(p); exit(1); }
  close(f);
}

int main(int argc, char **argv) {
  char p[4096], q[8192];
  if (argc == 5 && !strcmp(argv[1], "create")) {
    long n = atol(argv[4]);
    for (long i = 0; i < n; i++) { snprintf(p, sizeof p, "%s/%s%ld", argv[2], argv[3], i); touch(p); }
  } else if (argc == 5 && !strcmp(argv[1], "tree")) {
    long nd = atol(argv[3]), nf = atol(argv[4]);
    for (long i = 0; i < nd; i++) {
      snprintf(p, sizeof p, "%s/g%ld", argv[2], i % 50); mkdir(p, 0755);
      snprintf(p, sizeof p, "%s/g%ld/d%ld", argv[2], i % 50, i); mkdir(p, 0755);
      for (long j = 0; j < nf; j++) { snprintf(q, sizeof q, "%s/f%ld", p, j); touch(q); }
    }
  } else if (argc == 5 && !strcmp(argv[1], "spread")) {
    long nd = atol(argv[3]), n = atol(argv[4]);
    for (long k = 0; k < n; k++) { snprintf(p, sizeof p, "%s/g%ld/d%ld/n%ld", argv[2], (k % nd) % 50, k % nd, k); touch(p); }
  } else if (argc == 4 && !strcmp(argv[1], "race")) {
    long n = atol(argv[3]);
    for (long i = 0; i < n; i++) {
      snprintf(p, sizeof p, "%s/a%ld", argv[2], i); mkdir(p, 0755);
      snprintf(p, sizeof p, "%s/a%ld/b", argv[2], i); mkdir(p, 0755);
      snprintf(p, sizeof p, "%s/a%ld/b/c", argv[2], i); mkdir(p, 0755);
      snprintf(p, sizeof p, "%s/a%ld/b/c/f", argv[2], i); touch(p);
    }
  } else if (argc == 6 && !strcmp(argv[1], "rename")) {
    long n = atol(argv[5]);
    for (long i = 0; i < n; i++) {
      snprintf(p, sizeof p, "%s/%s%ld", argv[2], argv[3], i);
      snprintf(q, sizeof q, "%s/%s%ld", argv[2], argv[4], i);
      if (rename(p, q)) { perror(p); return 1; }
    }
  } else {
    fprintf(stderr, "usage: see gen.c\n");
    return 2;
  }
  return 0;
}
