#!/usr/bin/env bash
# install-deps.sh -- install the Debian packages the tests need (lab sshd, sudo, ansible as the
# reference, the apt (dpkg-dev), dnf/rpm and libvirt tool chains). Quick no-op when everything is present;
# runs `apt-get update` only when something is missing.
set -euo pipefail

PACKAGES=(openssh-server sudo iproute2 procps curl ansible-core python3-apt dpkg-dev dnf rpm createrepo-c libvirt-clients libvirt-daemon virtinst qemu-utils kmod udev)

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || { echo "install-deps.sh: missing ${missing[*]}; run as root to install them" >&2; exit 1; }
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
