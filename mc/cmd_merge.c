#include <stdio.h>

#include "cli.h"

/* placeholder until the command lands */
int mc_cmd_merge(int argc, char **argv) {
  mc_cli_error("merge: not implemented yet");
  return 1;
}
