#include <stdio.h>

#include "cli.h"

/* placeholder until the command lands */
int mc_cmd_check(int argc, char **argv) {
  mc_cli_error("check: not implemented yet");
  return 1;
}
