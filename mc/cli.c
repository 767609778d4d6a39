#include "cli.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

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
    "  report A.h5 B.h5 [--format text|markdown|csv|json]\n"
    "                 two scenarios side by side, with the differences of the crossover\n"
    "                 probabilities and their standard errors\n"
    "  plot OUT.h5 [-o FILE.png|.pdf|.svg] [--series NAME...]\n"
    "                 draw fan charts and the crossover-year distributions\n"
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
  } cmds[] = {{"run", mc_cmd_run},
              {"merge", mc_cmd_merge},
              {"report", mc_cmd_report},
              {"plot", mc_cmd_plot},
              {"check", mc_cmd_check}};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if (!strcmp(cmd, cmds[i].name))
      return cmds[i].fn(argc - 1, argv + 1);
  fprintf(stderr,
          "crossover: unknown command '%s'; expected one of run, merge, report, plot, check\n",
          cmd);
  return 2;
}
