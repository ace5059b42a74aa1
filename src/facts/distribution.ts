import type { FactInputs } from './script.js';

/** os-release ID -> Ansible's distribution name. */
const DISTRIBUTION_NAMES: Record<string, string> = {
  rhel: 'RedHat', centos: 'CentOS', rocky: 'Rocky', almalinux: 'AlmaLinux', fedora: 'Fedora', ol: 'OracleLinux',
  amzn: 'Amazon', scientific: 'Scientific', cloudlinux: 'CloudLinux', virtuozzo: 'Virtuozzo', euleros: 'EulerOS',
  openEuler: 'openEuler', eurolinux: 'EuroLinux', debian: 'Debian', ubuntu: 'Ubuntu', raspbian: 'Debian',
  linuxmint: 'Linux Mint', kali: 'Kali', devuan: 'Devuan', pop: 'Pop!_OS', neon: 'KDE neon', parrot: 'Parrot',
  sles: 'SLES', sled: 'SLED', 'sles_sap': 'SLES_SAP', 'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  opensuse: 'openSUSE', arch: 'Archlinux', manjaro: 'Manjaro', alpine: 'Alpine', gentoo: 'Gentoo', 'clear-linux-os': 'Clear Linux OS',
};

/** Ansible's OS_FAMILY_MAP (Linux part). */
const FAMILIES: Record<string, string[]> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS', 'OEL', 'Amazon',
    'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux', 'Kylin Linux Advanced Server'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux', 'Pop!_OS', 'Parrot',
    'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
};

function osRelease(lines: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of lines) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) fields[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

/** distribution, distribution_version, distribution_major_version, distribution_release, os_family. */
export function distributionFacts(inputs: FactInputs): Record<string, string> {
  const release = osRelease(inputs.files.get('/etc/os-release') ?? inputs.files.get('/usr/lib/os-release') ?? []);
  const id = release.ID ?? 'linux';
  const distribution = DISTRIBUTION_NAMES[id] ?? release.NAME ?? id;
  const family = Object.keys(FAMILIES).find((name) => FAMILIES[name].includes(distribution)) ?? distribution;

  let version = release.VERSION_ID ?? '';
  let codename = release.VERSION_CODENAME || release.UBUNTU_CODENAME || /\(([^)]+)\)/.exec(release.VERSION ?? '')?.[1] || 'NA';
  const debianVersion = inputs.files.get('/etc/debian_version')?.[0]?.trim();
  const redhatRelease = inputs.files.get('/etc/redhat-release')?.[0]?.trim();
  if (distribution === 'Debian' && debianVersion && /^\d/.test(debianVersion)) version = debianVersion;
  if (distribution === 'Fedora') codename = release.VERSION_CODENAME ?? '';
  else if (family === 'RedHat' && redhatRelease) {
    const match = /release\s+([\d.]+)(?:\s*\(([^)]*)\))?/.exec(redhatRelease);
    if (match) {
      version = match[1];
      codename = match[2] ?? (redhatRelease.includes('Stream') ? 'Stream' : codename);
    }
  }
  return {
    distribution,
    distribution_version: version,
    distribution_major_version: version.split('.')[0] || 'NA',
    distribution_release: codename,
    os_family: family,
  };
}
