// backprop: the command-line tool (tools/cli/backprop_cli.cpp).
#include "cli/backprop_cli.h"

int main(int argc, char** argv) { return bp::tools::run_backprop(argc, argv); }
