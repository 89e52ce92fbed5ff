#!/usr/bin/env bash
# Installs the Debian 12 packages Backprop Studio needs, only those that are missing.
# Idempotent; runs as root, or through sudo otherwise.
# Usage: scripts/setup.sh [--gui | --all]   (--all: the app, its end-to-end tests, clang for the
# sanitizer builds and fuzzing)
set -euo pipefail

packages=(build-essential cmake pkg-config libgtest-dev nlohmann-json3-dev libcli11-dev libstb-dev)
if [[ "${1:-}" == "--gui" || "${1:-}" == "--all" ]]; then
  packages+=(libglfw3-dev libimgui-dev libgl-dev libglx-mesa0 libgl1-mesa-dri fonts-dejavu-core xvfb xauth xdotool x11-utils libx11-dev)
fi
if [[ "${1:-}" == "--all" || "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
