#!/usr/bin/env bash
# build-mirror.sh MIRROR_URL -- prints the folder holding the lab's mirror, building it when missing.
# The mirror stands in for the downloads of the administrator guide, at the same paths as the real sites: the
# AlmaLinux, EPEL and CUDA repositories (tiny RPMs named and versioned like the real packages, built with rpmbuild
# and createrepo_c, the CUDA driver module stream and a BaseOS security advisory), the AlmaLinux GenericCloud image
# (a real, small qcow2), the RKE2 install script (the stand-in), the cert-manager and local-path manifests and the
# jupyterhub, nfs-subdir-external-provisioner and cvmfs-csi chart repositories. MIRROR_URL (http://127.0.0.1:PORT) is written into the .repo files it serves.
# Cached in the temp folder under a digest of its sources.
set -euo pipefail

url=${1:?usage: build-mirror.sh MIRROR_URL}
here=$(cd "$(dirname "$0")" && pwd)
sources=$here/mirror
installer=$here/../standins/rke2-install.sh

digest=$( { printf '%s\n' "$url"; cd "$here" && find mirror build-mirror.sh ../standins/rke2-install.sh -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
cache=${TMPDIR:-/tmp}/betif-site-mirror-$digest
if [[ -f $cache/.complete ]]; then echo "$cache"; exit 0; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/betif-site-build-XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$work/mirror
mkdir -p "$out" "$work/payload" "$work/rpms"

for file in "$sources"/payload/*; do sed "s|@MIRROR@|$url|g" "$file" >"$work/payload/${file##*/}"; done

while read -r repo name version release requires payload; do
  [[ -z $repo || $repo == \#* ]] && continue
  defines=(--define "_topdir $work/build" --define "_rpmdir $work/rpms" --define "pkg $name" --define "ver $version" --define "rel $release")
  [[ $requires == - ]] || defines+=(--define "requires $requires")
  [[ $payload == - ]] || defines+=(--define "payload_src $work/payload/${payload%%:*}" --define "payload_dest ${payload#*:}")
  rpmbuild -bb --quiet "${defines[@]}" "$sources/rpm/lab-package.spec"
  mkdir -p "$out/$repo"
  mv "$work/rpms/noarch/$name-$version-$release.noarch.rpm" "$out/$repo/"
done <"$sources/rpm/packages.txt"

for repo in almalinux/9/BaseOS/x86_64/os almalinux/9/AppStream/x86_64/os almalinux/9/extras/x86_64/os epel/9/Everything/x86_64 compute/cuda/repos/rhel9/x86_64; do
  createrepo_c --quiet "$out/$repo"
done
modifyrepo_c --mdtype updateinfo "$sources/rpm/BaseOS.updateinfo.xml" "$out/almalinux/9/BaseOS/x86_64/os/repodata"
modifyrepo_c --mdtype modules "$sources/rpm/cuda.modules.yaml" "$out/compute/cuda/repos/rhel9/x86_64/repodata"
cp "$work/payload/cuda-rhel9.repo" "$out/compute/cuda/repos/rhel9/x86_64/cuda-rhel9.repo"
cp "$work/payload/almalinux.repo" "$out/almalinux/almalinux.repo"

mkdir -p "$out/almalinux/9/cloud/x86_64/images"
qemu-img create -q -f qcow2 "$out/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2" 64M

install -D -m 0644 "$installer" "$out/get.rke2.io/install.sh"
install -D -m 0644 "$sources/manifests/cert-manager.yaml" "$out/cert-manager/v1.14.5/cert-manager.yaml"
install -D -m 0644 "$sources/manifests/local-path-storage.yaml" "$out/local-path-provisioner/v0.0.26/local-path-storage.yaml"

# A chart repository: chart_repo FOLDER CHART VERSION APP_VERSION, from mirror/charts/CHART.
chart_repo() {
  local folder=$out/$1 chart=$2 version=$3 app=$4 digest
  mkdir -p "$folder"
  tar -czf "$folder/$chart-$version.tgz" -C "$sources/charts" "$chart"
  digest=$(sha256sum "$folder/$chart-$version.tgz" | cut -d' ' -f1)
  cat >"$folder/index.yaml" <<INDEX
apiVersion: v1
entries:
  $chart:
  - apiVersion: v2
    appVersion: $app
    created: "2024-04-02T10:00:00Z"
    description: $chart (the lab's copy)
    digest: $digest
    name: $chart
    urls:
    - $chart-$version.tgz
    version: $version
generated: "2024-04-02T10:00:00Z"
INDEX
}
chart_repo helm-chart jupyterhub 3.3.7 4.1.5
chart_repo nfs-subdir-external-provisioner nfs-subdir-external-provisioner 4.0.18 4.0.2
chart_repo chartrepo/cern cvmfs-csi 2.4.1 v2.4.1

rm -rf "$cache"
mv "$out" "$cache"
touch "$cache/.complete"
echo "$cache"
