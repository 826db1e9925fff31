// SPDX-License-Identifier: Apache-2.0
/*
 * rusage-exec — runs a command and appends what the kernel's own accounting says about it (wait4()'s rusage)
 * to a log: one line "pid utime_us stime_us maxrss_kb wall_us status name" per command. The command's stdio is
 * this program's; its exit status is passed on (128 + signal when it was killed).
 *
 *   rusage-exec LOG command [args...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s LOG command [args...]\n", argv[0]);
    return 2;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) {
    perror("rusage-exec: fork");
    return 1;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror("rusage-exec: exec");
    _exit(127);
  }
  int st = 0;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) < 0) {
    perror("rusage-exec: wait4");
    return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long wall = (long long)(t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
  char line[512];
  const char *name = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
  int n = snprintf(line, sizeof line, "%d %lld %lld %ld %lld %d %s\n", pid,
                   (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
                   (long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec, ru.ru_maxrss, wall, st, name);
  int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    if (write(fd, line, (size_t)n) != n) perror("rusage-exec: log");
    close(fd);
  }
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return WEXITSTATUS(st);
}
