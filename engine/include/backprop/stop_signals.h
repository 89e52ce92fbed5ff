// SIGTERM, SIGINT and SIGHUP (a logout, `kill`, Ctrl+C in the terminal, the terminal closed) end
// a long-running program the way it chooses, not abruptly: the handler only records the signal,
// and the program's loop asks for it — the app saves the session and closes the window,
// `backprop train` stops after the step under way and saves what it has. A second signal while
// that runs ends the program at once, unless it comes within a second of the first: that is the
// same request sent twice (`timeout` signals the program and then its process group).
#pragma once

namespace bp {

/// Installs the handlers (call once, before the loop); a signal the program was started with
/// ignored (nohup, SIGINT in a shell's background job) stays ignored.
void catch_stop_signals();
/// The signal received (SIGTERM, SIGINT or SIGHUP), or 0 while none has arrived.
int stop_signal();

}  // namespace bp
