/* The floor: one inotify fd read directly, recursive, new directories watched and scanned,
 * moves paired by cookie within a read batch. Prints the bench line format; flushes per read(). */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define MASK (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR)
static int fd;
static char **paths;
static int npaths;

static void watch(const char *dir, int report) {
  int wd = inotify_add_watch(fd, dir, MASK);
  if (wd < 0) return;
  if (wd >= npaths) {
    int n = wd * 2 + 64;
    paths = realloc(paths, n * sizeof *paths);
    memset(paths + npaths, 0, (n - npaths) * sizeof *paths);
    npaths = n;
  }
  free(paths[wd]);
  paths[wd] = strdup(dir);
  DIR *d = opendir(dir);
  struct dirent *e;
  char p[PATH_MAX];
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (report) printf("CREATE %s\n", p); /* created before the watch existed */
    if (e->d_type == DT_DIR) watch(p, report);
  }
  if (d) closedir(d);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  fd = inotify_init1(0);
  watch(argv[1], 0);
  printf("READY\n");
  fflush(stdout);
  static char buf[1 << 16] __attribute__((aligned(8)));
  char from[PATH_MAX] = "", p[PATH_MAX];
  uint32_t cookie = 0;
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0; fflush(stdout)) {
    for (char *c = buf; c < buf + n; c += sizeof(struct inotify_event) + ((struct inotify_event *)c)->len) {
      struct inotify_event *ev = (struct inotify_event *)c;
      if (ev->mask & IN_Q_OVERFLOW) { printf("OVERFLOW\n"); continue; }
      if (ev->wd >= npaths || !paths[ev->wd] || !ev->len) continue;
      snprintf(p, sizeof p, "%s/%s", paths[ev->wd], ev->name);
      if (ev->mask & IN_CREATE) {
        printf("CREATE %s\n", p);
        if (ev->mask & IN_ISDIR) watch(p, 1);
      } else if (ev->mask & IN_DELETE) printf("DELETE %s\n", p);
      else if (ev->mask & IN_CLOSE_WRITE) printf("WRITE %s\n", p);
      else if (ev->mask & IN_MOVED_FROM) { printf("MOVED_FROM %s\n", p); strcpy(from, p); cookie = ev->cookie; }
      else if (ev->mask & IN_MOVED_TO) {
        if (cookie && ev->cookie == cookie) printf("MOVE %s -> %s\n", from, p);
        else printf("MOVED_TO %s\n", p);
        cookie = 0;
        if (ev->mask & IN_ISDIR) watch(p, 0);
      }
    }
  }
  return 0;
}
