#!/bin/sh
# xvfb_run.sh -s 'SERVER ARGS' COMMAND...: runs COMMAND under an Xvfb server of its own, as
# `xvfb-run -a -s ARGS` does, without its race. xvfb-run -a takes the first display number with
# no lock file and then starts Xvfb on it, so two tests started at once can take the same number;
# the first to finish then takes the shared server away from the other, whose app finds no
# display. Here Xvfb picks a free number itself (-displayfd: it takes the lock atomically) and
# says which. Exits with COMMAND's status (1 if Xvfb does not start).
set -u
if [ $# -lt 3 ] || [ "$1" != -s ]; then
  echo "usage: xvfb_run.sh -s 'SERVER ARGS' COMMAND..." >&2
  exit 2
fi
server_args=$2
shift 2
said=$(mktemp "${TMPDIR:-/tmp}/xvfb_run.XXXXXX") || exit 1
# shellcheck disable=SC2086  # the server arguments are words, as with xvfb-run -s
Xvfb -displayfd 3 -nolisten tcp $server_args 3>"$said" 2>"$said.log" &
server=$!
tries=0
until [ -s "$said" ]; do
  tries=$((tries + 1))
  if [ $tries -gt 600 ] || ! kill -0 $server 2>/dev/null; then
    echo "xvfb_run.sh: Xvfb did not start: $(cat "$said.log")" >&2
    kill $server 2>/dev/null
    rm -f "$said" "$said.log"
    exit 1
  fi
  sleep 0.05
done
DISPLAY=:$(cat "$said")
export DISPLAY
"$@"
status=$?
kill $server 2>/dev/null
wait $server 2>/dev/null
rm -f "$said" "$said.log"
exit $status
