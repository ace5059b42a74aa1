#!/usr/bin/env bash
# down.sh [HOST...] -- stop lab hosts started by up.sh (env LAB_DIR, default /tmp/betif-lab).
# Without arguments: stops every host, unmounts the lab's tmpfs and removes LAB_DIR. With host
# names (h1 h2 ...): stops just those, keeping their files, so `up.sh N` starts them again.
# A host is every process chrooted into its root (sshd and its sessions); each is killed by pid.
set -euo pipefail
LAB=${LAB_DIR:-/tmp/betif-lab}
[ -d "$LAB/hosts" ] || { echo "down.sh: nothing at $LAB"; exit 0; }
LAB=$(cd "$LAB" && pwd)

# pids_in ROOT -> pids of the processes whose root directory is ROOT.
pids_in() {
  { find /proc/[0-9]*/root -maxdepth 0 -lname "$1" 2>/dev/null || true; } | cut -d/ -f3
}

stop_host() {
  local root="$LAB/hosts/$1/root" pids
  pids=$(pids_in "$root")
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null || true
  for _ in $(seq 1 50); do
    pids=$(pids_in "$root")
    [ -n "$pids" ] || break
    sleep 0.02
  done
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  echo "stopped $1"
}

if [ $# -gt 0 ]; then
  for name in "$@"; do stop_host "$name"; done
  exit 0
fi

# Every host at once: one pass over /proc finds the processes chrooted anywhere under the lab.
# One find, not a readlink process per process of the machine (which cost seconds of CPU on a busy machine).
lab_pids() {
  { find /proc/[0-9]*/root -maxdepth 0 -lname "$LAB/hosts/*" 2>/dev/null || true; } | cut -d/ -f3
}
pids=$(lab_pids)
if [ -n "$pids" ]; then
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null || true
  for _ in $(seq 1 100); do pids=$(lab_pids); [ -n "$pids" ] || break; sleep 0.05; done
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
fi
echo "stopped every host in $LAB"
# The bind mounts lived only in the hosts' namespaces; never delete through a mount that is still visible.
for _ in $(seq 1 50); do grep -q " $LAB/" /proc/self/mountinfo || break; sleep 0.02; done
if grep -q " $LAB/" /proc/self/mountinfo; then
  echo "down.sh: mounts still present under $LAB, not removing it" >&2; exit 1
fi
if mountpoint -q "$LAB"; then umount "$LAB"; fi
rm -rf --one-file-system "$LAB"
echo "removed $LAB"
