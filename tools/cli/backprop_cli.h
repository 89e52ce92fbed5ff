// The `backprop` command line as a function, so that the fuzz target and the tests can drive its
// option parsing in-process. Exit status: 0 success, 1 failure (files, devices, a diverging run),
// 2 usage error.
#pragma once

namespace bp::tools {

/// Parses argv and runs the command. With `check_only`, validates every flag and stops before
/// reading a file, writing one or training: what a fuzzer can call millions of times.
int run_backprop(int argc, char** argv, bool check_only = false);

}  // namespace bp::tools
