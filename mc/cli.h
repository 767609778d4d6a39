/* The `crossover` commands. Each takes its own argv (argv[0] is the command
 * name), handles --help, and returns the process exit status of README.md
 * (0 done, 1 failure, 2 bad usage or input, 3 stopped with a checkpoint). */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <stddef.h>

int mc_cli_main(int argc, char **argv);
int mc_cmd_run(int argc, char **argv);
int mc_cmd_merge(int argc, char **argv);
int mc_cmd_report(int argc, char **argv);
int mc_cmd_plot(int argc, char **argv);
int mc_cmd_check(int argc, char **argv);
int mc_cmd_sweep(int argc, char **argv);
int mc_cmd_export(int argc, char **argv);

/* MiB of sketch counters a rank may hold: CROSSOVER_MAX_SKETCH_MB when set to
 * a positive integer, else MC_SKETCH_LIMIT_MB. */
size_t mc_cli_sketch_limit_mb(void);

/* Prints "crossover: <msg>" to stderr. */
void mc_cli_error(const char *msg);

/* Names on stderr ("crossover CMD: note: ...") the temporary files that a
 * killed writer of OUT left beside it (OUT.tmp-PID, OUT.checkpoint.tmp-PID
 * of a process not running on this host); removes nothing. */
void mc_cli_note_stale_tmp(const char *cmd, const char *out);

#endif
