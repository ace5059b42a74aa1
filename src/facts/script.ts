import { PYTHON_CANDIDATES } from '../ansible-modules/remote.js';

/**
 * The one command fact gathering runs on a host: a POSIX sh script that prints every input in named
 * sections. It starts as few programs as it can: every file is read by one grep, sh builtins do the
 * rest, and `date` and `ip` run only when their collectors are wanted.
 */

const FILES_ALWAYS = [
  '/proc/sys/kernel/hostname', '/proc/sys/kernel/osrelease', '/proc/sys/kernel/version', '/proc/sys/kernel/ostype',
  '/proc/sys/kernel/arch', '/etc/os-release', '/usr/lib/os-release', '/etc/debian_version', '/etc/redhat-release', '/etc/machine-id',
  '/etc/hosts', '/proc/self/status', '/proc/self/environ', '/proc/cmdline', '/proc/1/comm',
  '/sys/fs/selinux/enforce', '/sys/fs/selinux/policyvers', '/etc/selinux/config', '/proc/sys/crypto/fips_enabled',
];
const FILES_HARDWARE = ['/proc/meminfo', '/proc/uptime', '/proc/cpuinfo'];
const FILES_VIRTUAL = [
  '/proc/cpuinfo', '/proc/1/cgroup', '/proc/1/environ', '/run/systemd/container', '/proc/xen/capabilities',
  '/sys/devices/virtual/dmi/id/product_name', '/sys/devices/virtual/dmi/id/sys_vendor',
  '/sys/devices/virtual/dmi/id/bios_vendor', '/sys/devices/virtual/dmi/id/product_family',
];
const FILES_NETWORK = ['/proc/net/route', '/sys/class/net/*/address', '/sys/class/net/*/mtu', '/sys/class/net/*/type'];

const EXISTS = `section exists
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
[ -r /proc/sys/kernel/arch ] || uname -m`;

const MODULES = `section modules
if [ -r /proc/modules ]; then
  while read -r module rest; do case $module in kvm|vboxdrv|virtio) echo "$module";; esac; done < /proc/modules
fi`;

const DATE = `section date
date '+%s %N %Y %m %d %H %M %S %Z %z %A %w %W'`;

const ADDRESSES = `section addresses
ip -o addr show 2>/dev/null`;

const PCI = `section iommu_groups
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
done`;

/**
 * Local facts from the folder given as $1: each *.fact file's text, or for an executable one its
 * output, exit code and error output (its stdout goes straight to ours through fd 3).
 */
const LOCAL = `section local
if [ -n "$1" ] && [ -d "$1" ]; then
  exec 3>&1
  for fact in "$1"/*.fact; do
    [ -e "$fact" ] || continue
    printf '\\n@@betif-local %s\\n' "$fact"
    if [ -x "$fact" ]; then
      err=$("$fact" 2>&1 >&3 3>&-); rc=$?
      printf '\\n@@betif-local-rc %s\\n%s\\n' "$rc" "$err"
    else
      while IFS= read -r line || [ -n "$line" ]; do printf '%s\\n' "$line"; done < "$fact"
    fi
  done
fi`;

/**
 * The host's Python as Ansible's python collector sees the interpreter that runs its modules: the words after
 * the fact folder ($1) are ansible_python_interpreter, else the first of Ansible's discovery candidates found.
 * It prints one tab-separated line; a host without Python prints nothing (and gets no python facts).
 */
const PYTHON = `section python
shift
if [ $# -eq 0 ]; then
  for candidate in ${PYTHON_CANDIDATES.map((candidate) => `'${candidate}'`).join(' ')}; do
    if command -v "$candidate" >/dev/null 2>&1; then set -- "$candidate"; break; fi
  done
fi
[ $# -gt 0 ] && "$@" -c '
import sys
try:
    from importlib.util import find_spec
    ssl = find_spec("_ssl") is not None
except ImportError:
    ssl = True
v = sys.version_info
kind = getattr(getattr(sys, "implementation", None), "name", None) or getattr(sys, "subversion", [""])[0]
print("\\t".join([sys.executable, str(v[0]), str(v[1]), str(v[2]), v[3], str(v[4]), kind, "1" if ssl else "0", sys.version.split()[0]]))
' 2>/dev/null`;

/**
 * The script for these collectors; the fact folder is passed as $1 and the Python interpreter's words after it,
 * never spliced into the text.
 */
export function factsScript(collectors: ReadonlySet<string>): string {
  const wants = (...names: string[]) => names.some((name) => collectors.has(name));
  const files = new Set(FILES_ALWAYS);
  if (wants('hardware')) FILES_HARDWARE.forEach((file) => files.add(file));
  if (wants('virtual')) FILES_VIRTUAL.forEach((file) => files.add(file));
  if (wants('network')) FILES_NETWORK.forEach((file) => files.add(file));
  const parts = [
    `section() { printf '\\n@@betif-facts %s\\n' "$1"; }`,
    'section files',
    `grep -asH '' ${[...files].join(' ')}`,
    EXISTS,
    wants('virtual') ? MODULES : '',
    wants('date_time') ? DATE : '',
    wants('network') ? ADDRESSES : '',
    wants('hardware') ? PCI : '',
    wants('local') ? LOCAL : '',
    wants('python', 'platform') ? PYTHON : '',
    'section end',
  ];
  return `${parts.filter(Boolean).join('\n')}\n`;
}

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

/** The "key : value" lines of /proc/cpuinfo. */
export function cpuinfoLines(inputs: FactInputs): string[] {
  return inputs.files.get('/proc/cpuinfo') ?? [];
}
