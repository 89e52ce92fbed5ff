#!/usr/bin/env bash
# A random user against the real window, under AddressSanitizer and UBSan.
# Usage: scripts/monkey.sh [runs, default 6] [actions per run, default 400] [first seed, default 1]
# Builds the app with the sanitizers (scripts/sanitize.sh app, in build-asan/), then, for each run,
# starts it under Xvfb on a preset, window size and mode picked by the run's seed, and lets
# tools/dev/monkey.py click, drag, type (numbers into sliders too) and resize at random. Then it
# asks the app to quit (SIGTERM: it saves its session and quits) and opens the session it saved.
# A finding: a sanitizer report or a failed assertion, an exit that is not the quit's, no exit
# within 20 s of it (a hang), or a saved session that does not open again. Each run's actions,
# output and (with imagemagick's `import`) last screen are kept in build-asan/monkey/<seed>/; a
# finding is replayed by running the same seed. Exits 1 on any finding. Not part of the test
# suite: its timing is random. Needs xvfb-run, xdotool and python3 (scripts/setup.sh --all).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-6}
actions=${2:-400}
first=${3:-1}
for tool in xvfb-run xdotool python3; do
  command -v "$tool" >/dev/null || { echo "monkey: $tool is not installed (scripts/setup.sh --all)" >&2; exit 1; }
done
bash "$root/scripts/sanitize.sh" app >/dev/null
app="$root/build-asan/gui/backprop-studio"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"  # Mesa's allocations cannot be attributed (tests/sanitizers/README.md)
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$root/tests/sanitizers/ubsan.supp"
mapfile -t presets < <(cd "$root/assets/presets" && ls -- *.json | sed 's/\.json$//')
sizes=(1280x800 1024x768 1920x1080)
findings=0
printf '%-6s %-40s %-10s %-9s %s\n' seed preset size mode result
for ((seed = first; seed < first + runs; ++seed)); do
  dir="$root/build-asan/monkey/$seed"
  rm -rf "$dir"
  mkdir -p "$dir/state"
  preset=${presets[seed % ${#presets[@]}]}
  size=${sizes[seed % ${#sizes[@]}]}
  mode=normal
  ((seed % 2)) && mode=presenter
  flags="--size $size --no-restore --preset $preset"
  [[ $mode == presenter ]] && flags+=" --presenter"
  cat >"$dir/run.sh" <<EOF
cd "$dir"
"$app" $flags >app.out 2>app.err &
pid=\$!
timeout 30 xdotool search --sync --onlyvisible --name 'Backprop Studio' >/dev/null
python3 "$root/tools/dev/monkey.py" $seed $actions ${size/x/ } actions.log
command -v import >/dev/null && import -window root last.png
if kill -0 \$pid 2>/dev/null; then
  kill -TERM \$pid
  for i in \$(seq 200); do kill -0 \$pid 2>/dev/null || break; sleep 0.1; done
  if kill -0 \$pid 2>/dev/null; then echo "no exit within 20 s of SIGTERM" >hang.txt; kill -9 \$pid; fi
fi
wait \$pid
echo \$? >status.txt
EOF
  XDG_STATE_HOME="$dir/state" xvfb-run -a -s "-screen 0 ${size}x24" bash "$dir/run.sh" || true
  status=$(cat "$dir/status.txt" 2>/dev/null || echo none)
  result="ok ($(grep -c . "$dir/actions.log" || true) actions)"
  if grep -qE 'ERROR: AddressSanitizer|runtime error|Assertion .* failed' "$dir/app.err"; then
    result="sanitizer or assertion: $(grep -m1 -E 'ERROR: AddressSanitizer|runtime error|Assertion' "$dir/app.err")"
  elif [[ -f $dir/hang.txt ]]; then
    result="hang: $(cat "$dir/hang.txt")"
  elif [[ $status != 0 && $status != 143 ]]; then  # 143: it quit on SIGTERM, as asked
    result="exit status $status: $(tail -1 "$dir/app.err")"
  else
    saved="$dir/state/backprop-studio/autosave.json"
    if [[ ! -f $saved ]]; then
      result="no session saved"
    elif ! XDG_STATE_HOME="$dir/state" xvfb-run -a -s "-screen 0 ${size}x24" "$app" --session "$saved" --frames 3 --no-autosave \
      >"$dir/reopen.out" 2>&1; then
      result="the saved session does not open: $(tail -1 "$dir/reopen.out")"
    fi
  fi
  [[ $result == ok* ]] || findings=$((findings + 1))
  printf '%-6s %-40s %-10s %-9s %s\n' "$seed" "$preset" "$size" "$mode" "$result"
done
echo "monkey: $runs runs, $findings with findings (build-asan/monkey/<seed>/: actions.log, app.err)"
((findings == 0))
