#!/usr/bin/env bash
# install-deps.sh -- install the Debian packages the tests need (lab sshd, sudo, ansible-core as the
# reference and the source of the Ansible modules betif-play lacks, ansible for its collections, acl for
# ansible.posix.acl, the dnf/rpm and libvirt tool chains, cron and the shadow tools for the user modules,
# chromium for the HTML report's browser test). Quick no-op when everything is present;
# python3-apt and dpkg-dev for the apt tests, python3-lxml for community.libvirt.virt_net, python3-yaml for the
# helm and kubectl stand-ins (and kubernetes.core's helm modules), python3-kubernetes for kubernetes.core.k8s, strace to count what fact gathering starts on a host;
# runs `apt-get update` only when something is missing.
set -euo pipefail

PACKAGES=(chromium openssh-server sudo iproute2 procps strace curl ansible-core ansible acl dnf rpm createrepo-c libvirt-clients libvirt-daemon virtinst qemu-utils kmod udev cron passwd python3-apt dpkg-dev python3-lxml python3-yaml python3-kubernetes zip unzip xz-utils bzip2 rsync)

# One dpkg-query for all packages: one per package costs seconds on a busy machine.
declare -A installed=()
while read -r package status; do
  [ "$status" = "install ok installed" ] && installed[$package]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for package in "${PACKAGES[@]}"; do
  [ -n "${installed[$package]:-}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || { echo "install-deps.sh: missing ${missing[*]}; run as root to install them" >&2; exit 1; }
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
