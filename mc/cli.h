/* The `crossover` commands. Each takes its own argv (argv[0] is the command
 * name), handles --help, and returns the process exit status of INTERFACE.md. */
#ifndef MC_CLI_H
#define MC_CLI_H

int mc_cli_main(int argc, char **argv);
int mc_cmd_run(int argc, char **argv);
int mc_cmd_merge(int argc, char **argv);
int mc_cmd_report(int argc, char **argv);
int mc_cmd_plot(int argc, char **argv);
int mc_cmd_check(int argc, char **argv);

/* Prints "crossover: <msg>" to stderr. */
void mc_cli_error(const char *msg);

#endif
