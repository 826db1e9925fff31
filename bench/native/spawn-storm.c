// SPDX-License-Identifier: Apache-2.0
/*
 * spawn-storm — an exec storm: posix_spawn() of /bin/true (every Nth spawn /bin/false, so exit codes differ),
 * J children in flight, for S seconds or N processes, optionally paced to R spawns per second. Every child is
 * reaped with waitpid(); its pid and raw wait status are kept in memory and written to a log at the end, one
 * "pid status program" line per process, so a trace of the run can be checked process by process.
 * Prints one JSON line: {"spawned":…, "seconds":…, "rate":…, "failedSpawns":…}. With -x, runs that shell
 * command once the storm is over (while this process, the traced root, still lives).
 *
 *   spawn-storm [-s seconds] [-n count] [-j in_flight] [-r per_second] [-f false_every] [-l log] [-x command]
 */
#include <errno.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct rec {
  int32_t pid;
  int32_t status;
  uint8_t is_false;
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The pids in flight and which program each runs (to log the program with the status). */
#define MAX_J 256
static int32_t inflight_pid[MAX_J];
static uint8_t inflight_false[MAX_J];

int main(int argc, char **argv) {
  double seconds = 0, rate = 0;
  long count = 0, false_every = 8;
  int j = 4;
  const char *log_path = NULL;
  const char *after = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "s:n:j:r:f:l:x:")) != -1) {
    switch (opt) {
      case 's': seconds = atof(optarg); break;
      case 'n': count = atol(optarg); break;
      case 'j': j = atoi(optarg); break;
      case 'r': rate = atof(optarg); break;
      case 'f': false_every = atol(optarg); break;
      case 'l': log_path = optarg; break;
      case 'x': after = optarg; break;
      default:
        fprintf(stderr, "usage: %s [-s seconds] [-n count] [-j in_flight] [-r per_second] [-f false_every] [-l log] "
                "[-x command]\n",
                argv[0]);
        return 2;
    }
  }
  if (j < 1 || j > MAX_J) {
    fprintf(stderr, "spawn-storm: -j must be 1..%d\n", MAX_J);
    return 2;
  }
  if (seconds <= 0 && count <= 0) seconds = 10;
  size_t cap = count > 0 ? (size_t)count : (size_t)(seconds * 20000 + 1024);
  struct rec *recs = calloc(cap, sizeof *recs);
  if (!recs) {
    perror("spawn-storm: calloc");
    return 1;
  }
  char *true_argv[] = {"true", NULL};
  char *false_argv[] = {"false", NULL};
  size_t spawned = 0, reaped = 0;
  long failed = 0;
  int running = 0;
  double start = now_s();
  double deadline = seconds > 0 ? start + seconds : 0;
  for (;;) {
    double t = now_s();
    bool more = (count <= 0 || (long)spawned < count) && (deadline == 0 || t < deadline) && spawned < cap;
    pid_t done = 0;
    int st = 0;
    if (more && running < j) {
      double due = rate > 0 ? start + (double)spawned / rate : t;
      if (t < due) {
        /* paced: reap what has ended while waiting for the next slot */
        done = running > 0 ? waitpid(-1, &st, WNOHANG) : 0;
        if (done <= 0) {
          double wait = due - t < 0.002 ? due - t : 0.002;
          struct timespec ts = {0, (long)(wait * 1e9)};
          nanosleep(&ts, NULL);
          continue;
        }
      } else {
        bool use_false = false_every > 0 && (spawned % (size_t)false_every) == (size_t)false_every - 1;
        pid_t pid;
        int err = posix_spawn(&pid, use_false ? "/bin/false" : "/bin/true", NULL, NULL,
                              use_false ? false_argv : true_argv, environ);
        if (err != 0) {
          if (++failed > 1000) {
            fprintf(stderr, "spawn-storm: posix_spawn keeps failing: %s\n", strerror(err));
            break;
          }
          continue;
        }
        for (int i = 0; i < j; i++)
          if (inflight_pid[i] == 0) {
            inflight_pid[i] = pid;
            inflight_false[i] = use_false;
            break;
          }
        spawned++;
        running++;
        continue;
      }
    } else {
      if (running == 0) break;
      done = waitpid(-1, &st, 0);
      if (done < 0) {
        if (errno == EINTR) continue;
        break;
      }
    }
    uint8_t was_false = 0;
    for (int i = 0; i < j; i++)
      if (inflight_pid[i] == done) {
        was_false = inflight_false[i];
        inflight_pid[i] = 0;
        break;
      }
    if (reaped < cap) recs[reaped] = (struct rec){done, st, was_false};
    reaped++;
    running--;
  }
  double elapsed = now_s() - start;
  if (log_path) {
    FILE *f = fopen(log_path, "w");
    if (!f) {
      perror("spawn-storm: log");
      return 1;
    }
    for (size_t i = 0; i < reaped && i < cap; i++)
      fprintf(f, "%d %d %s\n", recs[i].pid, recs[i].status, recs[i].is_false ? "false" : "true");
    fclose(f);
  }
  if (after && system(after) != 0) fprintf(stderr, "spawn-storm: %s failed\n", after);
  printf("{\"spawned\":%zu,\"reaped\":%zu,\"seconds\":%.6f,\"rate\":%.1f,\"failedSpawns\":%ld}\n", spawned, reaped,
         elapsed, elapsed > 0 ? (double)reaped / elapsed : 0.0, failed);
  return 0;
}
