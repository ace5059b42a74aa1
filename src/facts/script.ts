import { PYTHON_CANDIDATES } from '../ansible-modules/remote.js';

/**
 * The one command fact gathering runs on a host: a fixed POSIX sh script that prints the inputs of the
 * wanted collectors in named sections. It starts as few programs as it can: every file is read by one
 * grep, sh builtins do the rest, `date` and `ip` run only when their collectors are wanted, the host's
 * Python only when the facts it gave before are not kept on the host (PYTHON_CACHE: one `stat` checks), and
 * the last of grep, ip, Python and date replaces the shell. The "end" section's marker shows the shell's own part ran. The text
 * never changes (what to read comes as arguments), so every command stream holds it as a function from
 * its start (driver.ts's preloadScript) and a run sends only the call.
 */

/**
 * What the script can read, by the word that asks for it in $2. A file is in one part only: grep would
 * print a file named twice twice.
 */
export type InputPart =
  | 'platform' | 'distribution' | 'selinux' | 'init' | 'exists' | 'cmdline' | 'date' | 'user' | 'environ'
  | 'cpuinfo' | 'hardware' | 'virtual' | 'network' | 'local' | 'fips' | 'python';

/**
 * Prints the interpreter's facts as one tab-separated line (python.ts reads it); with `date` as its first argument,
 * the date section too. With a cache file and its key as the next two, it keeps the line there for the script's
 * next runs (PYTHON_CACHE): the key's line, then the facts' line, mode 0600 in folders of mode 0700, replaced whole.
 */
const PYTHON_PROBE = `import sys
try:
    from importlib.util import find_spec
    ssl = find_spec("_ssl") is not None
except ImportError:
    ssl = True
v = sys.version_info
kind = getattr(getattr(sys, "implementation", None), "name", None) or getattr(sys, "subversion", [""])[0]
line = "\\t".join([sys.executable, str(v[0]), str(v[1]), str(v[2]), v[3], str(v[4]), kind, "1" if ssl else "0", sys.version.split()[0]])
print(line)
if sys.argv[1:2] == ["date"]:
    import time
    t = time.time()
    print("\\n@@betif-facts date")
    print("%d %09d %s" % (int(t), int((t - int(t)) * 1e9), time.strftime("%Y %m %d %H %M %S %Z %z %A %w %W", time.localtime(int(t)))))
if len(sys.argv) > 3 and sys.argv[2] and sys.argv[3]:
    import os
    path = sys.argv[2]
    part = "%s.%d" % (path, os.getpid())
    try:
        data = ("%s\\n%s\\n" % (sys.argv[3], line)).encode("utf-8", "surrogateescape")
        os.umask(63)
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            os.makedirs(folder)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 384)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.rename(part, path)
    except Exception:
        try:
            os.unlink(part)
        except Exception:
            pass`;

/**
 * The python facts change only with the interpreter, so the probe keeps them on the host and a setup reads them
 * back with sh builtins, where Python's start would cost a setup most of its CPU. An interpreter named by one word
 * that is found at an absolute path qualifies; the key is its path and what stat says of the file the path leads
 * to: device, inode, size and change time. A package upgrade replaces the file (a new inode, a new change time,
 * even where the packaged modification time stays), a file written over in place gets a new change time, and no
 * one can set a change time back. PYTHONHOME and PYTHONPATH, which change what Python finds, are part of the key.
 * The file is the remote user's own (-O), under ~/.ansible/tmp like Ansible's own remote files.
 */
const PYTHON_CACHE = `cache= key=
if [ -n "$y" ] && [ $# -eq 1 ] && [ -n "\${HOME-}" ]; then
  path=$1
  case $path in
    */*) ;;
    *) path= rest=$PATH:
       while [ -n "$rest" ] && [ -z "$path" ]; do
         x=\${rest%%:*}; rest=\${rest#*:}
         # A relative folder in PATH (or an empty one: the working folder) ends the search: no cache then.
         case $x in /*) [ -f "$x/$1" ] && [ -x "$x/$1" ] && path=$x/$1;; *) rest=;; esac
       done;;
  esac
  case $path in
    /*) cache=$HOME/.ansible/tmp/betif-python-facts
        key=$(stat -L -c '%d %i %s %z' -- "$path" 2>/dev/null) && key="$path $key \${PYTHONHOME-} \${PYTHONPATH-}" || key=;;
  esac
  if [ -n "$key" ] && [ -O "$cache" ] && { IFS= read -r x && IFS= read -r line; } 2>/dev/null <"$cache" && [ "$x" = "$key" ] && [ -n "$line" ]; then
    section python; printf '%s\\n' "$line"; y=
  fi
fi`;

/**
 * $1: the local facts folder; $2: the parts wanted, separated by spaces; $3: ansible_python_interpreter's words
 * ('' for Ansible's discovery: the first of its candidates found), whose Python the python facts describe, as
 * Ansible's python collector describes the interpreter that runs its modules. /proc/cpuinfo's flags and bugs
 * lines (most of its size on a big host) are left out: no fact reads them.
 */
export const FACTS_SCRIPT = `w=" $2 " interpreter=$3
want() { case $w in *" $1 "*) ;; *) return 1;; esac; }
section() { printf '\\n@@betif-facts %s\\n' "$1"; }
k=/proc/sys/kernel d=/sys/devices/virtual/dmi/id n=/sys/class/net/* f=
want platform && f="$k/hostname $k/osrelease $k/version $k/ostype $k/arch /etc/hosts /etc/machine-id"
if want distribution; then
  o=/etc/os-release; [ -r $o ] || o=/usr/lib/os-release
  f="$f $o /etc/debian_version /etc/redhat-release"
fi
want selinux && f="$f /sys/fs/selinux/enforce /sys/fs/selinux/policyvers /etc/selinux/config"
want init && f="$f /proc/1/comm"
want cmdline && f="$f /proc/cmdline"
want fips && f="$f /proc/sys/crypto/fips_enabled"
want user && f="$f /proc/self/status"
want environ && f="$f /proc/self/environ"
want cpuinfo && f="$f /proc/cpuinfo"
want hardware && f="$f /proc/meminfo /proc/uptime"
want virtual && f="$f /proc/1/cgroup /proc/1/environ /run/systemd/container /proc/xen/capabilities $d/product_name $d/sys_vendor $d/bios_vendor $d/product_family"
want network && f="$f /proc/net/route $n/address $n/mtu $n/type"
if want exists; then
  section exists
  for p in /.dockerenv /.dockerinit /proc/vz /proc/lve /proc/bc /proc/xen /dev/kvm /run/systemd/system /dev/.run/systemd \\
    /dev/.systemd /sbin/openrc /etc/init.d /run/ostree-booted /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get \\
    /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /sbin/apk /usr/bin/emerge /usr/bin/xbps-install; do
    [ -e $p ] && echo $p
  done
  command -v systemctl >/dev/null 2>&1 && echo systemctl
fi
if want init; then
  section sbin_init
  p=; [ -r /proc/1/comm ] && read -r p < /proc/1/comm
  case $p in ''|init|*sh) [ -L /sbin/init ] && readlink /sbin/init;; esac
fi
if want platform; then section machine; [ -r $k/arch ] || uname -m; fi
if want virtual; then
  section modules
  for p in kvm vboxdrv virtio; do [ -e /sys/module/$p/initstate ] && echo $p; done
fi
if want local && [ -n "$1" ] && [ -d "$1" ]; then
  section local
  exec 3>&1
  for p in "$1"/*.fact; do
    [ -e "$p" ] || continue
    printf '\\n@@betif-local %s\\n' "$p"
    if [ -x "$p" ]; then
      e=$("$p" 2>&1 >&3 3>&-); r=$?
      printf '\\n@@betif-local-rc %s\\n%s\\n' "$r" "$e"
    else
      while IFS= read -r l || [ -n "$l" ]; do printf '%s\\n' "$l"; done < "$p"
    fi
  done
  exec 3>&-
fi
if want hardware; then
  section iommu_groups
  set -- /sys/kernel/iommu_groups/*
  [ -e "$1" ] && echo $#
  section pci_gpus
  for p in /sys/bus/pci/devices/*; do
    [ -r $p/class ] && read -r c < $p/class || continue
    case $c in
      0x03*)
        read -r v < $p/vendor; read -r i < $p/device
        # cd -P finds where a link leads without starting readlink; the folder's name is the driver or the group.
        r=; ! cd -P $p/driver 2>/dev/null || r=\${PWD##*/}
        g=; ! cd -P $p/iommu_group 2>/dev/null || g=\${PWD##*/}
        echo "\${p##*/}|$c|$v|$i|$r|$g";;
    esac
  done
fi
y=
if want python; then
  set -f; set -- $interpreter; set +f
  if [ $# -eq 0 ]; then
    for p in ${PYTHON_CANDIDATES.map((candidate) => `'${candidate}'`).join(' ')}; do
      if command -v "$p" >/dev/null 2>&1; then set -- "$p"; break; fi
    done
  fi
  [ $# -eq 0 ] || y=1
fi
${PYTHON_CACHE}
section end
# bash 5 (sh on Red Hat's family, Arch, SUSE) tells the time itself: date is started only where it cannot.
t=; ! want date || t=\${EPOCHREALTIME-}
[ -z "$t" ] || printf -v t '%(%s)T' 0 2>/dev/null || t=
if [ -n "$t" ]; then
  section date
  t=$EPOCHREALTIME; s=\${t%[.,]*}
  printf "%(%s)T \${t#*[.,]}000 %(%Y %m %d %H %M %S %Z %z %A %w %W)T\\n" "$s" "$s"
fi
# Otherwise the host's Python tells the time with its own facts; date runs only where there is none.
z=; [ -n "$t" ] || ! want date || z=date
l=; [ -z "$f" ] || l=files; want network && l=addresses; [ -z "$y" ] || l=python; [ -z "$z" ] || [ -n "$y" ] || l=date
# The last program replaces this shell: one process less.
run() { if [ "$1" = "$l" ]; then shift; exec "$@"; fi; shift; "$@"; }
[ -z "$f" ] || { section files; run files grep -asHv -e '^flags\t*: ' -e '^bugs\t*: ' -e '^vmx flags\t*: ' $f; }
want network && { section addresses; run addresses ip -o addr show 2>/dev/null; }
[ -z "$y" ] || { section python; run python "$@" -c '${PYTHON_PROBE}' "\${z:--}" "$cache" "$key" 2>/dev/null; }
[ -z "$z" ] || [ -n "$y" ] || { section date; run date date '+%s %N %Y %m %d %H %M %S %Z %z %A %w %W'; }
`;

/** The script's output: file contents by path, and the other sections by name, as lines. */
export interface FactInputs {
  files: Map<string, string[]>;
  sections: Map<string, string[]>;
}

const MARKER = '@@betif-facts ';

export function parseFactOutput(stdout: string): FactInputs {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARKER)) {
      // The marker's leading newline adds an empty line to the end of the previous section.
      if (current && current.at(-1) === '') current.pop();
      current = [];
      sections.set(line.slice(MARKER.length), current);
    } else {
      current?.push(line);
    }
  }
  if (current && current.at(-1) === '') current.pop();

  const files = new Map<string, string[]>();
  let path = '';
  let lines: string[] = [];
  for (const line of sections.get('files') ?? []) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    // grep prints a file's lines together: the path changes only from one file to the next.
    if (line.length <= path.length || line.charCodeAt(path.length) !== 58 || !line.startsWith(path)) {
      path = line.slice(0, colon);
      lines = files.get(path) ?? [];
      files.set(path, lines);
    }
    lines.push(line.slice(path.length + 1));
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
