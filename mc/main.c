#include "cli.h"

int main(int argc, char **argv) { return mc_cli_main(argc, argv); }
