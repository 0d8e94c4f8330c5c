#!/usr/bin/env bash
# Debian/Ubuntu packages Tessera's tools and tests need: ffmpeg/ffprobe (media), Chromium (serve
# mode and browser tests), Xvfb (headed runs), libsecret + gnome-keyring + D-Bus (keychain),
# the GStreamer RTSP server through python3-gi (the simulator's live RTSP cameras), fonts for
# the burned-in clocks. Needs root (or sudo).
set -euo pipefail
packages=(
  ffmpeg chromium xvfb xauth
  libsecret-1-dev gnome-keyring dbus dbus-x11
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-tools
  fonts-dejavu-core
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -q
$sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
