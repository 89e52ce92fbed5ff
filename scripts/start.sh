#!/usr/bin/env bash
# Installs what is missing, builds, and starts Backprop Studio on a good default.
# Until the app exists this runs the command-line training demo: a network learning the
# two-spiral dataset, with a live progress bar, and the boundary plot written to spiral.png.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --all
"$root/scripts/build.sh"
exec "$root/build/tools/backprop" train --dataset spiral --points 200 --hidden 16,16 \
  --activation tanh --optimizer adam --lr 0.02 --steps 2000 --log-scale --plot spiral.png "$@"
