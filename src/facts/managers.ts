import { firstLine, type FactInputs } from './script.js';

const INIT_NAMES: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

/** service_mgr, as Ansible decides it: pid 1's name, else what the filesystem shows. */
export function serviceManager(inputs: FactInputs): string {
  const exists = new Set(inputs.sections.get('exists') ?? []);
  const pid1 = firstLine(inputs, '/proc/1/comm');
  if (pid1 && pid1 !== 'init' && !pid1.endsWith('sh')) return INIT_NAMES[pid1] ?? pid1;
  const systemctl = exists.has('systemctl');
  if (systemctl && ['/run/systemd/system', '/dev/.run/systemd', '/dev/.systemd'].some((path) => exists.has(path))) return 'systemd';
  if (exists.has('/sbin/openrc')) return 'openrc';
  const init = inputs.sections.get('sbin_init')?.[0]?.trim() ?? '';
  if (systemctl && init.split('/').pop() === 'systemd') return 'systemd';
  if (exists.has('/etc/init.d')) return 'sysvinit';
  return 'service';
}

const PACKAGE_MANAGERS: [string, string][] = [
  ['/usr/bin/rpm-ostree', 'atomic_container'], ['/usr/bin/yum', 'yum'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/apt-get', 'apt'],
  ['/usr/bin/zypper', 'zypper'], ['/usr/sbin/urpmi', 'urpmi'], ['/usr/bin/pacman', 'pacman'], ['/sbin/apk', 'apk'],
  ['/usr/bin/emerge', 'portage'], ['/usr/bin/xbps-install', 'xbps'],
];

/** pkg_mgr, as Ansible decides it: the distribution family's official manager, else the last one found. */
export function packageManager(inputs: FactInputs, distribution: Record<string, string>): string {
  const exists = new Set(inputs.sections.get('exists') ?? []);
  const found = PACKAGE_MANAGERS.filter(([path]) => exists.has(path)).map(([, name]) => name);
  const major = Number(distribution.distribution_major_version);
  switch (distribution.os_family) {
    case 'RedHat':
      if (exists.has('/run/ostree-booted')) return 'atomic_container';
      if (distribution.distribution === 'Fedora') return major < 23 && found.includes('yum') ? 'yum' : 'dnf';
      if (distribution.distribution === 'Amazon') return major < 2022 && found.includes('yum') ? 'yum' : 'dnf';
      return major < 8 ? 'yum' : 'dnf';
    case 'Debian':
      return 'apt';
    default:
      return found.at(-1) ?? 'unknown';
  }
}
