#!/usr/bin/env bash
# up.sh N [BASEPORT] -- start N SSH test hosts h1..hN on 127.0.0.1:BASEPORT.. (default 2301).
#
# Each host is a real sshd chrooted into its own root LAB_DIR/hosts/hN/root, inside a private
# mount + UTS namespace (hostname hN). The root holds PRIVATE /etc (copied from a template made
# once from the real /etc), /root, /home, /opt, /srv, /mnt, /run, /tmp and /var; /usr (and
# /bin, /lib... when they are not symlinks) and /var/lib/dpkg are read-only bind mounts of the
# real ones; /dev, /proc and /sys are shared. The mounts exist only inside the namespace, so they
# vanish with the host and never leak into the controller's view.
# Sessions get PATH=/opt/lab/bin:..., so a test can drop fake tools into hosts/hN/root/opt/lab/bin.
#
# LAB_DIR (default /tmp/betif-lab) is a tmpfs (creating a few thousand files per host on disk can
# take a second; in memory it takes milliseconds). It holds inventory.ini, known_hosts,
# client_ed25519(.pub), ssh_config and hosts/. Idempotent: running hosts are left alone, keys are
# reused. Needs root.
#
# Hundreds of hosts (100, 500) come up too: hosts are set up LAB_JOBS (default 8) at a time, each
# sshd may hold 1000 sessions and 200 unauthenticated connections, and may open 65536 files.
set -euo pipefail

N=${1:?usage: up.sh N [BASEPORT]}
BASEPORT=${2:-2301}
ADDR=127.0.0.1
LAB=${LAB_DIR:-/tmp/betif-lab}
SESSION_PATH=/opt/lab/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

[ "$(id -u)" = 0 ] || { echo "up.sh: must run as root (needs mount namespaces and chroot)" >&2; exit 1; }
[ -x /usr/sbin/sshd ] || bash "$(dirname "$0")/install-deps.sh"
unshare --mount --propagation private -- mount --bind /usr /usr 2>/dev/null \
  || { echo "up.sh: cannot create private mount namespaces here (needs CAP_SYS_ADMIN)" >&2; exit 1; }

# sshd -r: each connection's child goes on from the fork instead of exec'ing sshd again, a third less sshd CPU per
# connection (the suite opens well over a thousand); left out where an sshd no longer takes it.
NO_REEXEC=$(/usr/sbin/sshd -r -V >/dev/null 2>&1 && echo -r || true)

mkdir -p "$LAB"
LAB=$(cd "$LAB" && pwd)
mountpoint -q "$LAB" || mount -t tmpfs -o mode=700 betif-lab "$LAB"
mkdir -p "$LAB/hosts"

[ -f "$LAB/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C betif-lab -f "$LAB/client_ed25519"

# The root every host starts from, made once per lab: its folders, links to the real /bin, /lib... where those
# are links, and a copy of the real /etc without its ssh host keys, with the lab's client key authorized. A host is
# one `cp` of it: each program started costs more than the files it copies.
if [ ! -f "$LAB/template/root.complete" ]; then
  rm -rf "$LAB/template"
  skeleton="$LAB/template/root"
  mkdir -p "$skeleton" && (cd "$skeleton" && mkdir -p usr proc sys dev root home opt/lab/bin srv mnt run/sshd tmp \
             var/tmp var/log var/cache var/lib/dpkg var/spool var/mail)
  chmod 1777 "$skeleton/tmp" "$skeleton/var/tmp"; chmod 700 "$skeleton/root"
  # crontab(1) keeps user crontabs here, as the cron package set it up.
  if [ -d /var/spool/cron/crontabs ]; then
    mkdir -p "$skeleton/var/spool/cron/crontabs"
    chown --reference=/var/spool/cron/crontabs "$skeleton/var/spool/cron/crontabs"
    chmod --reference=/var/spool/cron/crontabs "$skeleton/var/spool/cron/crontabs"
  fi
  for dir in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$dir" ]; then ln -sfn "$(readlink "/$dir")" "$skeleton/$dir"
    elif [ -d "/$dir" ]; then mkdir -p "$skeleton/$dir"; fi
  done
  cp -a /etc "$skeleton/etc"
  rm -f "$skeleton"/etc/ssh/ssh_host_*
  install -m 644 "$LAB/client_ed25519.pub" "$skeleton/etc/ssh/betif_authorized_keys"
  touch "$LAB/template/root.complete"
fi

# sshd_running ROOT -> whether the listening sshd of the host with that root runs; its pid in SSHD_PID.
# Shell builtins only: it is asked again and again while an sshd starts.
sshd_running() {
  local comm
  SSHD_PID=
  read -r SSHD_PID 2>/dev/null < "$1/run/betif-sshd.pid" || return 1
  [ -n "$SSHD_PID" ] && read -r comm 2>/dev/null < /proc/"$SSHD_PID"/comm && [ "$comm" = sshd ] && [ /proc/"$SSHD_PID"/root -ef "$1" ]
}

make_root() {
  local root=$1 name=$2
  [ -f "$root/.complete" ] && return 0
  rm -rf --one-file-system "$root"
  cp -a "$LAB/template/root" "$root"
  echo "$name" > "$root/etc/hostname"
  printf '127.0.1.1\t%s.lab.test %s\n' "$name" "$name" >> "$root/etc/hosts"
  : > "$root/.complete"
}

# Written with shell builtins only (no cat), on every start: the port may have changed.
write_sshd_config() {
  local root=$1 port=$2
  printf '%s\n' "ListenAddress $ADDR:$port" 'HostKey /etc/ssh/betif_host_ed25519_key' 'PidFile /run/betif-sshd.pid' \
    'PermitRootLogin prohibit-password' 'PubkeyAuthentication yes' 'PasswordAuthentication yes' 'KbdInteractiveAuthentication no' \
    'AuthorizedKeysFile /etc/ssh/betif_authorized_keys' 'StrictModes no' 'UsePAM no' 'UseDNS no' 'PrintMotd no' 'PrintLastLog no' \
    'MaxSessions 1000' 'MaxStartups 200:30:1000' "SetEnv PATH=$SESSION_PATH" 'Subsystem sftp internal-sftp' 'LogLevel INFO' \
    > "$root/etc/ssh/betif_sshd_config"
}

start_host() {
  local root=$1 name=$2
  rm -f "$root/run/betif-sshd.pid"
  # The namespace lives as long as sshd (which daemonizes) and its sessions.
  unshare --mount --uts --propagation private -- /bin/bash -euc '
    root=$1
    ulimit -n 65536 2>/dev/null || true
    hostname "$2"
    # --bind -o ro: one mount(8) does the bind and the read-only remount.
    mount --bind -o ro /usr "$root/usr"
    for dir in bin sbin lib lib32 lib64 libx32; do
      if [ -d "/$dir" ] && [ ! -L "/$dir" ]; then mount --bind -o ro "/$dir" "$root/$dir"; fi
    done
    mount --rbind /dev "$root/dev"
    mount --rbind /proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --bind -o ro /var/lib/dpkg "$root/var/lib/dpkg"
    exec chroot "$root" /usr/sbin/sshd $3 -f /etc/ssh/betif_sshd_config -E /var/log/betif-sshd.log
  ' _ "$root" "$name" "$NO_REEXEC"
}

# setup_host I -> prepares host hI and starts its sshd unless it runs; prints "started" or "running".
setup_host() {
  local i=$1 name host root port
  name=h$i; port=$((BASEPORT + i - 1)); host="$LAB/hosts/$name"; root="$host/root"
  mkdir -p "$host"
  make_root "$root" "$name"
  # The host key lives in the root (sshd is chrooted); hN/ssh_host_ed25519_key.pub is a copy for the tests and known_hosts.
  if [ ! -f "$root/etc/ssh/betif_host_ed25519_key" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$root/etc/ssh/betif_host_ed25519_key"
    local pub
    read -r pub < "$root/etc/ssh/betif_host_ed25519_key.pub"
    echo "$pub" > "$host/ssh_host_ed25519_key.pub"
  fi
  write_sshd_config "$root" "$port"
  if sshd_running "$root"; then
    echo "$name: already running (pid $SSHD_PID, port $port)"
    return 0
  fi
  start_host "$root" "$name"
  for ((tries = 0; tries < 500; tries++)); do sshd_running "$root" && break; sleep 0.02; done
  sshd_running "$root" || { echo "$name: sshd failed to start:" >&2; cat "$root/var/log/betif-sshd.log" >&2 || true; return 1; }
  echo "$name: started (pid $SSHD_PID, port $port)"
}

JOBS=${LAB_JOBS:-8}
running=0
for i in $(seq 1 "$N"); do
  setup_host "$i" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n; running=$((running - 1)); done

{
  echo "[lab]"
  for i in $(seq 1 "$N"); do
    echo "h$i ansible_host=$ADDR ansible_port=$((BASEPORT + i - 1)) ansible_user=root ansible_ssh_private_key_file=$LAB/client_ed25519"
  done
} > "$LAB/inventory.ini.tmp"
for i in $(seq 1 "$N"); do
  read -r type key _ < "$LAB/hosts/h$i/ssh_host_ed25519_key.pub"
  echo "[$ADDR]:$((BASEPORT + i - 1)) $type $key"
done > "$LAB/known_hosts.tmp"
{
  for i in $(seq 1 "$N"); do printf 'Host h%s\n  HostName %s\n  Port %s\n' "$i" "$ADDR" $((BASEPORT + i - 1)); done
  printf 'Host *\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  BatchMode yes\n' \
    "$LAB/client_ed25519" "$LAB/known_hosts"
} > "$LAB/ssh_config.tmp"
mv "$LAB/inventory.ini.tmp" "$LAB/inventory.ini"
mv "$LAB/known_hosts.tmp" "$LAB/known_hosts"
mv "$LAB/ssh_config.tmp" "$LAB/ssh_config"

echo "lab:       $LAB"
echo "inventory: $LAB/inventory.ini   (ANSIBLE_SSH_ARGS='-F $LAB/ssh_config' ansible -i $LAB/inventory.ini all -m ping)"
echo "ssh:       ssh -F $LAB/ssh_config h1"
