// SIGTERM, SIGINT and SIGHUP (a logout, `kill`, Ctrl+C in the terminal, the terminal closed) end
// the app as a quit does, not abruptly: the handler only records the signal, and the frame loop
// saves the session and closes the window. A second signal while that runs ends the app at once.
#pragma once

namespace bp::studio {

/// Installs the handlers (call once, before the frame loop); a signal the app was started with
/// ignored (nohup, SIGINT in a shell's background job) stays ignored.
void catch_stop_signals();
/// The signal received (SIGTERM, SIGINT or SIGHUP), or 0 while none has arrived.
int stop_signal();

}  // namespace bp::studio
