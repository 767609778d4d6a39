#include <stdio.h>

#include "cli.h"

/* placeholder until the command lands */
int mc_cmd_run(int argc, char **argv) {
  mc_cli_error("run: not implemented yet");
  return 1;
}
