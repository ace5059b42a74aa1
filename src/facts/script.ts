/**
 * The one command fact gathering runs on a host: a fixed POSIX sh script that prints every input
 * in named sections, with as few processes as possible (files are read by a single grep).
 */
export const FACTS_SCRIPT = `
section() { printf '\\n@@betif-facts %s\\n' "$1"; }
section files
grep -asH '' /proc/sys/kernel/hostname /proc/sys/kernel/osrelease /proc/sys/kernel/version /proc/sys/kernel/ostype \\
  /proc/sys/kernel/arch /etc/os-release /usr/lib/os-release /etc/debian_version /etc/redhat-release /etc/machine-id \\
  /etc/hosts /proc/meminfo /proc/cmdline /proc/uptime /proc/self/status /proc/self/environ /proc/net/route \\
  /proc/1/comm /proc/1/cgroup /proc/1/environ /run/systemd/container /proc/xen/capabilities \\
  /sys/devices/virtual/dmi/id/product_name /sys/devices/virtual/dmi/id/sys_vendor \\
  /sys/devices/virtual/dmi/id/bios_vendor /sys/devices/virtual/dmi/id/product_family \\
  /sys/class/net/*/address /sys/class/net/*/mtu /sys/class/net/*/type \\
  /sys/fs/selinux/enforce /sys/fs/selinux/policyvers /etc/selinux/config
section cpuinfo
grep -aE '^(processor|vendor_id|model name|physical id|core id|cpu cores|siblings|Processor|cpu|Vendor|ncpus active)[[:space:]]*:' /proc/cpuinfo
section modules
if [ -r /proc/modules ]; then
  while read -r module rest; do case $module in kvm|vboxdrv|virtio) echo "$module";; esac; done < /proc/modules
fi
section exists
for path in /.dockerenv /.dockerinit /proc/vz /proc/lve /proc/bc /proc/xen /dev/kvm /run/systemd/system /dev/.run/systemd \\
  /dev/.systemd /sbin/openrc /etc/init.d /run/ostree-booted /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get \\
  /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /sbin/apk /usr/bin/emerge /usr/bin/xbps-install; do
  [ -e "$path" ] && echo "$path"
done
command -v systemctl >/dev/null 2>&1 && echo systemctl
section sbin_init
pid1=; [ -r /proc/1/comm ] && read -r pid1 < /proc/1/comm
case $pid1 in ''|init|*sh) [ -L /sbin/init ] && readlink /sbin/init;; esac
section machine
[ -r /proc/sys/kernel/arch ] || uname -m
section date
date '+%s %N %Y %m %d %H %M %S %Z %z %A %w %W'
section addresses
ip -o addr show 2>/dev/null
section iommu_groups
set -- /sys/kernel/iommu_groups/*
[ -e "$1" ] && echo $#
section pci_gpus
for device in /sys/bus/pci/devices/*; do
  [ -r "$device/class" ] || continue
  read -r class < "$device/class"
  case $class in
    0x03*)
      read -r vendor < "$device/vendor"; read -r id < "$device/device"
      driver=; [ -e "$device/driver" ] && driver=$(readlink "$device/driver")
      group=; [ -e "$device/iommu_group" ] && group=$(readlink "$device/iommu_group")
      echo "\${device##*/}|$class|$vendor|$id|\${driver##*/}|\${group##*/}";;
  esac
done
section end
`;

/** The script's output: file contents by path, and the other sections by name, as lines. */
export interface FactInputs {
  files: Map<string, string[]>;
  sections: Map<string, string[]>;
}

export function parseFactOutput(stdout: string): FactInputs {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const marker = /^@@betif-facts (\w+)$/.exec(line);
    if (marker) {
      // The marker's leading newline adds an empty line to the end of the previous section.
      if (current && current.at(-1) === '') current.pop();
      current = [];
      sections.set(marker[1], current);
    } else {
      current?.push(line);
    }
  }
  if (current && current.at(-1) === '') current.pop();

  const files = new Map<string, string[]>();
  for (const line of sections.get('files') ?? []) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon);
    const lines = files.get(path) ?? [];
    lines.push(line.slice(colon + 1));
    files.set(path, lines);
  }
  return { files, sections };
}

/** First line of a file, trimmed, if the file was readable. */
export function firstLine(inputs: FactInputs, path: string): string | undefined {
  return inputs.files.get(path)?.[0]?.trim();
}

/** The NUL-separated entries of a /proc/PID/environ file. */
export function environEntries(inputs: FactInputs, path: string): string[] {
  return (inputs.files.get(path) ?? []).join('\n').split('\0').filter(Boolean);
}
