#!/bin/sh
# Installs what Postsync needs from Debian 12 (as root, or through sudo),
# then configures and builds it in ./build.  Safe to run again: packages
# already present are not fetched, an existing build is only brought up to
# date.
set -eu
cd "$(dirname "$0")"

packages="meson ninja-build pkg-config gcc libc6-dev binutils python3
  lv2-dev liblilv-dev lilv-utils sordi libcairo2-dev
  libfftw3-dev libsamplerate0-dev libsndfile1-dev libebur128-dev
  sox espeak-ng xvfb jackd2 jalv jack-tools ardour
  x42-plugins"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=release -Dwerror=true
fi
ninja -C build
