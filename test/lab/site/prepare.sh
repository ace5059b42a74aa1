#!/usr/bin/env bash
# prepare.sh MIRROR_PORT ROLE:HOST... -- makes running lab hosts (test/lab/up.sh, env LAB_DIR) look like the
# BETIF-DIFAET site before its first run: ROLE is hypervisor, master, worker, gpu or nfs, e.g.
#   prepare.sh 2560 hypervisor:h1 master:h2 worker:h3 worker:h4 gpu:h5 worker:h6 nfs:h7
# Every host gets the look of a fresh AlmaLinux 9.4 machine: os-release, boot entries and /proc/cmdline, an empty
# dnf installroot whose repositories are the lab's mirror, the stand-ins (grubby, modprobe with its own /sys/module,
# udevadm, dracut, systemctl, lab-reboot) and a boot id. The hypervisor also gets its hardware (an Intel CPU, an
# NVIDIA GPU at 0000:01:00.0, no IOMMU until booted with it), libvirtd with the test driver and the mirror itself
# (python's http.server on MIRROR_PORT). VMs get the admin user cloud-init would create; the master helm and
# kubectl; the GPU worker an older openssl-libs (a security update is due) and nvidia-smi; the NFS server an exportfs
# stand-in and AlmaLinux's nobody group. Daemons are started inside the hypervisor's host, so test/lab/down.sh
# stops them with it. Run it once per fresh lab.
set -euo pipefail

port=${1:?usage: prepare.sh MIRROR_PORT ROLE:HOST...}; shift
lab=$(cd "${LAB_DIR:-/tmp/betif-lab}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
standins=$here/../standins
mirror_url=http://127.0.0.1:$port
mirror=$(bash "$here/build-mirror.sh" "$mirror_url")

ADMIN=betif
KERNELS=(5.14.0-427.13.1.el9_4.x86_64 5.14.0-362.8.1.el9_3.x86_64)
ROOT_UUID=7c1f4d2e-1111-2222-3333-444455556666
BOOT_OPTIONS="root=UUID=$ROOT_UUID ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/almalinux-swap rd.lvm.lv=almalinux/root rd.lvm.lv=almalinux/swap rhgb quiet"

on_host() { # on_host HOST SCRIPT ARGS...: runs a bash script inside the lab host, over its SSH.
  local host=$1 script=$2; shift 2
  ssh -F "$lab/ssh_config" "$host" bash -s -- "$@" <<<"$script"
}

put_standins() { # put_standins ROOT NAME...: copies stand-ins into the host's /opt/lab/bin.
  local root=$1; shift
  for name in "$@"; do install -m 0755 "$standins/$name" "$root/opt/lab/bin/$name"; done
}

common_files() {
  local root=$1 version
  rm -f "$root/etc/os-release"
  cat >"$root/etc/os-release" <<OS
NAME="AlmaLinux"
VERSION="9.4 (Seafoam Ocelot)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.4 (Seafoam Ocelot)"
ANSI_COLOR="0;34"
HOME_URL="https://almalinux.org/"
OS
  echo "AlmaLinux release 9.4 (Seafoam Ocelot)" >"$root/etc/redhat-release"

  mkdir -p "$root/boot/loader/entries" "$root/boot/grub2"
  for version in "${KERNELS[@]}"; do
    printf 'title AlmaLinux (%s) 9.4 (Seafoam Ocelot)\nversion %s\nlinux /vmlinuz-%s\ninitrd /initramfs-%s.img $tuned_initrd\noptions %s\ngrub_users $grub_users\ngrub_arg --unrestricted\ngrub_class almalinux\n' \
      "$version" "$version" "$version" "$version" "$BOOT_OPTIONS" >"$root/boot/loader/entries/${ROOT_UUID//-/}-$version.conf"
  done
  printf 'saved_entry=%s-%s\n' "${ROOT_UUID//-/}" "${KERNELS[0]}" >"$root/boot/grub2/grubenv"

  mkdir -p "$root/var/lib/lab-proc" "$root/var/lib/lab-sys/module" "$root/var/lib/lab-reboot"
  printf 'BOOT_IMAGE=(hd0,gpt2)/vmlinuz-%s %s\n' "${KERNELS[0]}" "$BOOT_OPTIONS" >"$root/var/lib/lab-proc/cmdline"
  cat /proc/sys/kernel/random/uuid >"$root/var/lib/lab-reboot/boot_id"

  # The installroot dnf works in; systemd finds the units its packages install.
  mkdir -p "$root/var/lib/lab-dnf/root/etc/yum.repos.d" "$root/var/lib/lab-dnf/root/usr/lib/systemd/system" "$root/var/lib/lab-systemd"
  cp "$mirror/almalinux/almalinux.repo" "$root/var/lib/lab-dnf/root/etc/yum.repos.d/almalinux.repo"
  ln -sfn /var/lib/lab-dnf/root/usr/lib/systemd/system "$root/var/lib/lab-systemd/units"

  put_standins "$root" grubby modprobe udevadm dracut reboot-standin
  install -m 0755 "$here/standins/lab-reboot" "$root/opt/lab/bin/lab-reboot"
}

# Mounts inside the host (its own mount namespace): /sys/module for modprobe, /proc/cmdline for the boot.
MOUNT_COMMON='set -e
bound() { grep -q " $1 " /proc/self/mountinfo; }
bound /sys/module || mount --bind /var/lib/lab-sys/module /sys/module
bound /proc/cmdline || mount --bind /var/lib/lab-proc/cmdline /proc/cmdline'

# An installed system's rpm database and dnf history, so dnf finds them there as on a real host.
dnf_ready() {
  local installroot=$1/var/lib/lab-dnf/root
  rpm --root "$installroot" --initdb
  dnf -q --installroot="$installroot" --releasever=9 --disablerepo='*' history list >/dev/null
}

hypervisor() {
  local host=$1 root=$2
  dnf_ready "$root"
  put_standins "$root" systemctl
  # An Intel server with an NVIDIA RTX 3090 and no IOMMU (until it boots with intel_iommu=on).
  local sys=$root/var/lib/lab-sys
  mkdir -p "$sys/iommu_groups" "$sys/drivers/nouveau" "$sys/drivers/vfio-pci" "$sys/drivers/pcieport"
  for cpu in 0 1 2 3; do
    printf 'processor\t: %s\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 106\nmodel name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz\nphysical id\t: 0\nsiblings\t: 4\ncore id\t\t: %s\ncpu cores\t: 4\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic vmx ept\n\n' "$cpu" "$cpu"
  done >"$sys/cpuinfo"
  device() { # device ADDRESS CLASS VENDOR DEVICE DRIVER
    mkdir -p "$sys/pci/devices/$1"
    echo "$2" >"$sys/pci/devices/$1/class"; echo "$3" >"$sys/pci/devices/$1/vendor"; echo "$4" >"$sys/pci/devices/$1/device"
    ln -sfn "/var/lib/lab-sys/drivers/$5" "$sys/pci/devices/$1/driver"
  }
  device 0000:00:01.0 0x060400 0x8086 0x347a pcieport
  device 0000:01:00.0 0x030000 0x10de 0x2204 nouveau
  mkdir -p "$root/var/lib/lab-libvirt/no-drivers" "$root/srv"
  # virt-install's osinfo reads usb.ids, which Debian keeps in /var (private to each lab host).
  if [[ -d /var/lib/usbutils ]]; then cp -a /var/lib/usbutils "$root/var/lib/"; fi
  printf 'unix_sock_dir = "/var/lib/lab-libvirt"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n' >"$root/var/lib/lab-libvirt/libvirtd.conf"
  rm -rf "$root/srv/mirror"; cp -a "$mirror" "$root/srv/mirror"
  on_host "$host" "$MOUNT_COMMON"'
bound /proc/cpuinfo || mount --bind /var/lib/lab-sys/cpuinfo /proc/cpuinfo
bound /sys/bus/pci/devices || mount --bind /var/lib/lab-sys/pci/devices /sys/bus/pci/devices
bound /sys/kernel/iommu_groups || mount --bind /var/lib/lab-sys/iommu_groups /sys/kernel/iommu_groups
cd /var/lib/lab-libvirt
# libvirtd with only the built-in test driver; the test driver keeps its state while a client stays connected.
LIBVIRT_DRIVER_DIR=/var/lib/lab-libvirt/no-drivers setsid /usr/sbin/libvirtd --config libvirtd.conf --pid-file libvirtd.pid </dev/null >/var/log/lab-libvirtd.log 2>&1 &
for _ in $(seq 1 100); do [ -S libvirt-sock ] && break; sleep 0.05; done
setsid virsh -c "test+unix:///default?socket=/var/lib/lab-libvirt/libvirt-sock" event --all --loop </dev/null >/dev/null 2>&1 &
setsid /usr/bin/python3 -m http.server "$1" --bind 127.0.0.1 --directory /srv/mirror </dev/null >/var/log/lab-mirror.log 2>&1 &
for _ in $(seq 1 100); do curl -fso /dev/null "http://127.0.0.1:$1/get.rke2.io/install.sh" && break; sleep 0.05; done' "$port"
}

vm() {
  local host=$1 root=$2
  # A service's ExecStart runs when systemctl starts it (rke2 writes its join token then).
  mkdir -p "$root/opt/lab/libexec"
  install -m 0755 "$standins/systemctl" "$root/opt/lab/libexec/systemctl"
  install -m 0755 "$standins/systemctl-exec" "$root/opt/lab/bin/systemctl"
  grep -q "^$ADMIN:" "$root/etc/passwd" || useradd --root "$root" --create-home --shell /bin/bash --user-group "$ADMIN" 2> >(grep -v "non-executable shell" >&2)
  on_host "$host" "$MOUNT_COMMON"
}

master() {
  local host=$1 root=$2
  vm "$host" "$root"
  put_standins "$root" helm kubectl kube_store.py
}

gpu() {
  local host=$1 root=$2
  vm "$host" "$root"
  install -m 0755 "$here/standins/nvidia-smi" "$root/opt/lab/bin/nvidia-smi"
  # The cloud image's openssl-libs, older than the one the BaseOS security advisory ships.
  dnf_ready "$root"
  rpm --root "$root/var/lib/lab-dnf/root" -i --nodeps "$mirror/almalinux/9/BaseOS/x86_64/os/openssl-libs-3.0.7-24.el9.noarch.rpm" 2> >(grep -v "^rpm: \(RPM should not\|However\)" >&2)
}

nfs() {
  local host=$1 root=$2
  vm "$host" "$root"
  put_standins "$root" exportfs
  dnf_ready "$root"
  # AlmaLinux's nobody:nobody (65534), where Debian calls the group nogroup.
  grep -q '^nobody:' "$root/etc/group" || sed -i 's/^nogroup:/nobody:/' "$root/etc/group"
}

for spec in "$@"; do
  role=${spec%%:*} host=${spec#*:}
  root=$lab/hosts/$host/root
  [[ -d $root ]] || { echo "prepare.sh: no lab host $host under $lab" >&2; exit 1; }
  common_files "$root"
  case $role in
    hypervisor | master | gpu | nfs) "$role" "$host" "$root" ;;
    worker) vm "$host" "$root" ;;
    *) echo "prepare.sh: unknown role $role (hypervisor, master, worker, gpu, nfs)" >&2; exit 1 ;;
  esac
  echo "$host: prepared as $role"
done
