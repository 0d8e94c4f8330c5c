#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a throwaway HOME and an unlocked
# gnome-keyring, so keytar talks to a real Secret Service and never to the user's own keychain.
set -euo pipefail
if [ -z "${TESSERA_IN_KEYRING:-}" ] && command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  export TESSERA_IN_KEYRING=1
  exec dbus-run-session -- bash "$0" "$@"
fi
if [ -n "${TESSERA_IN_KEYRING:-}" ]; then
  keyring_home=$(mktemp -d)
  export HOME="$keyring_home" XDG_DATA_HOME="$keyring_home/.local/share" XDG_RUNTIME_DIR="$keyring_home/run"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  eval "$(printf 'tessera-test\n' | gnome-keyring-daemon --replace --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  trap 'rm -rf "$keyring_home"' EXIT
fi
"$@"
