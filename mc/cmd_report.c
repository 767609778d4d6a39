#include <stdio.h>

#include "cli.h"

/* placeholder until the command lands */
int mc_cmd_report(int argc, char **argv) {
  mc_cli_error("report: not implemented yet");
  return 1;
}
