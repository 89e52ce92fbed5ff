#!/usr/bin/env bash
# Installs what is missing, builds, and starts Backprop Studio (restoring the last session, or
# TensorFlow Playground's circle with a small network). Extra arguments go to the app, e.g.
# `scripts/start.sh --preset why_depth_helps_spiral --train`. Without a display it runs the
# command-line demo instead and says so.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --all
"$root/scripts/build.sh"
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "start: no display found, so running the command-line demo instead of the app" >&2
  echo "start: (for the app use a desktop, or: xvfb-run -a $root/build/gui/backprop-studio --frames 60 --screenshot shot.png)" >&2
  exec "$root/build/tools/backprop" train --dataset spiral --points 200 --hidden 16,16 \
    --activation tanh --optimizer adam --lr 0.02 --steps 2000 --log-scale --plot spiral.png
fi
exec "$root/build/gui/backprop-studio" "$@"
