#include <stdio.h>

#include "cli.h"

/* placeholder until the command lands */
int mc_cmd_plot(int argc, char **argv) {
  mc_cli_error("plot: not implemented yet");
  return 1;
}
