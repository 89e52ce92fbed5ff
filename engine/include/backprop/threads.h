// How many CPU threads the engine may use. The default is 1 (the benchmark rules measure one
// thread); large matrix products and grid evaluations split their rows over this many threads.
#pragma once

namespace bp {

/// Sets the number of CPU threads (1..256); throws ValueError otherwise.
void set_num_threads(int n);
int num_threads();

}  // namespace bp
