#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_engine.h" /* MC_SKETCH_LIMIT_MB */
#include "mc_version.h"

static const char usage[] =
    "usage: crossover COMMAND [ARGS]\n"
    "\n"
    "Monte Carlo projections of AI training and inference compute and energy:\n"
    "when inference overtakes training, with what probability, at what energy.\n"
    "\n"
    "commands:\n"
    "  run JOB.yaml [-o OUT.h5] [--samples N] [--seed S] [--part K/N] [--resume] [--force]\n"
    "               [--checkpoint-interval SECONDS] [--progress-interval SECONDS] [--quiet]\n"
    "                 run a job (under mpiexec/srun for many ranks); writes OUT.h5\n"
    "  merge -o OUT.h5 [--allow-missing] [--force] PART.h5...\n"
    "                 combine disjoint parts of one job into the result of a single run\n"
    "  report OUT.h5 [--format text|markdown|csv|json]\n"
    "                 print crossover probabilities and percentile bands\n"
    "  report A.h5 B.h5 [C.h5 ...] [--format text|markdown|csv|json]\n"
    "                 scenarios side by side, with the differences of the crossover\n"
    "                 probabilities from A.h5 and their standard errors\n"
    "  plot OUT.h5 [-o FILE.png|.pdf|.svg] [--series NAME...]\n"
    "                 draw fan charts and the crossover-year distributions\n"
    "  sweep JOB.yaml --vary KEY=V1,V2,... [--vary ...] -o DIR [--set KEY=VALUE]\n"
    "               [--samples N] [--seed S] [--force] [--resume] [--quiet]\n"
    "                 one run per combination of the values, all with the same seed;\n"
    "                 writes DIR/<scenario>-<key>=<value>....h5\n"
    "  export IN.h5 -o OUT.h5 [--force]\n"
    "                 a results-only copy (no merge/resume state) for sharing\n"
    "  check JOB.yaml validate a job and print its resolved parameters; runs nothing\n"
    "\n"
    "Every command takes --help. Exit status: 0 success; 2 bad usage, job file or\n"
    "input file (nothing written); 3 stopped by a signal after writing a checkpoint\n"
    "that --resume continues; 1 any other failure.\n"
    "\n"
    "Documentation: docs/writing-jobs.md (job files), docs/outputs.md (what the\n"
    "numbers mean), docs/python.md (reading results), docs/worked-example.md,\n"
    "slurm/README.md (clusters).\n";

void mc_cli_error(const char *msg) { fprintf(stderr, "crossover: %s\n", msg); }

int mc_cli_main(int argc, char **argv) {
  /* GSL's default handler aborts the process on a domain or convergence error
   * (an extreme distribution parameter in a job file can cause one); its
   * functions then return an error code or NaN instead, which the callers
   * check. */
  gsl_set_error_handler_off();
  if (argc < 2) {
    fputs(usage, stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage, stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version")) {
    printf("crossover %s\n", MC_ENGINE_VERSION);
    return 0;
  }
  static const struct {
    const char *name;
    int (*fn)(int, char **);
  } cmds[] = {{"run", mc_cmd_run},      {"merge", mc_cmd_merge}, {"report", mc_cmd_report},
              {"plot", mc_cmd_plot},    {"check", mc_cmd_check}, {"sweep", mc_cmd_sweep},
              {"export", mc_cmd_export}};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if (!strcmp(cmd, cmds[i].name))
      return cmds[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "crossover: unknown command '%s'; expected one of", cmd);
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    fprintf(stderr, "%s %s", i ? "," : "", cmds[i].name);
  fputc('\n', stderr);
  return 2;
}

/* Names, on stderr, the temporary files OUT.tmp-PID and OUT.checkpoint.tmp-PID
 * beside the output whose process is no longer running on this host: what a
 * run or merge killed while writing (SIGKILL, a node failure) leaves. They hold
 * nothing complete (a file is complete only once renamed), except where a run
 * could not publish its result (mc/outfile.h) and said so; they are not
 * removed here, as a run on another node sharing the directory may own one. */
void mc_cli_note_stale_tmp(const char *cmd, const char *out) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", out);
  char *slash = strrchr(dir, '/');
  const char *base = slash ? slash + 1 : out;
  if (slash)
    *slash = '\0';
  DIR *d = opendir(slash ? (dir[0] ? dir : "/") : ".");
  if (!d)
    return;
  size_t nb = strlen(base);
  for (struct dirent *de; (de = readdir(d));) {
    const char *rest = de->d_name;
    if (strncmp(rest, base, nb) != 0)
      continue;
    rest += nb;
    if (!strncmp(rest, ".checkpoint", 11))
      rest += 11;
    if (strncmp(rest, ".tmp-", 5) != 0)
      continue;
    char *end;
    long pid = strtol(rest + 5, &end, 10);
    if (end == rest + 5 || *end || pid <= 0 || pid == (long)getpid())
      continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
      continue; /* running here, or not ours to probe */
    fprintf(stderr,
            "crossover %s: note: %s%s%s is a temporary file left by a killed run or merge "
            "(process %ld is not running on this host); unless that run said it kept its "
            "complete result there, it holds no results: remove it\n",
            cmd, slash ? dir : "", slash ? "/" : "", de->d_name, pid);
  }
  closedir(d);
}

size_t mc_cli_sketch_limit_mb(void) {
  const char *mb = getenv("CROSSOVER_MAX_SKETCH_MB");
  return mb && atol(mb) > 0 ? (size_t)atol(mb) : MC_SKETCH_LIMIT_MB;
}
