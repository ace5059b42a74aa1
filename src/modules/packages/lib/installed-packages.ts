import type { Connection } from '../../../connection/types.js';
import { decodeBase64Text, runHostScript } from '../../shared/host-script.js';

/** One installed package in Ansible's package_facts shape (rpm: release and epoch; apt: category and origin). */
export type InstalledPackage = Record<string, string | number | null> & { name: string; source: 'rpm' | 'apt' };

export type PackageManagerName = 'rpm' | 'apt';

/*
 * Arguments: the managers to list, in order. Each one found prints `found=NAME` and its listing
 * (base64): rpm's query, or dpkg's status with apt's policy for the installed names (their origin)
 * and apt's package files (each one's Origin).
 */
const LIST_SCRIPT = [
  'export LC_ALL=C.UTF-8 LANG=C.UTF-8',
  'b64() { base64 -w0; }',
  'for manager; do',
  '  case $manager in',
  '    rpm)',
  '      command -v rpm >/dev/null 2>&1 || continue',
  '      echo found=rpm',
  '      printf "rpm=%s\\n" "$(rpm -qa --qf \'%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{EPOCH}\\t%{ARCH}\\n\' | b64)" ;;',
  '    apt)',
  '      command -v dpkg-query >/dev/null 2>&1 && command -v apt-cache >/dev/null 2>&1 || continue',
  '      echo found=apt',
  '      echo "arch=$(dpkg --print-architecture)"',
  '      list=$(dpkg-query -W -f=\'${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${Section}\\n\')',
  '      printf "dpkg=%s\\n" "$(printf "%s\\n" "$list" | b64)"',
  '      printf "files=%s\\n" "$(apt-cache policy 2>/dev/null | b64)"',
  '      names=$(printf "%s\\n" "$list" | while IFS="\t" read -r state name version arch rest; do',
  '        case $state in ?[nc]*) ;; *) printf "%s:%s\\n" "$name" "$arch" ;; esac',
  '      done)',
  '      printf "policy=%s\\n" "$(printf "%s\\n" "$names" | xargs -r apt-cache policy -- 2>/dev/null | b64)" ;;',
  '  esac',
  'done',
].join('\n');

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((line) => line.trim() !== '');
}

function parseRpm(text: string): InstalledPackage[] {
  return lines(text).map((line) => {
    const [name, version, release, epoch, arch] = line.split('\t');
    return { name, version, release, epoch: epoch === '(none)' || epoch === undefined ? null : Number(epoch), arch, source: 'rpm' };
  });
}

/** `apt-cache policy` without names: each package file's source line, and the `o=` of its release line. */
function originsByFile(text: string): Map<string, string> {
  const origins = new Map<string, string>();
  let file: string | undefined;
  for (const line of text.split('\n')) {
    const source = /^ -?\d+ (.+)$/.exec(line);
    if (source) {
      file = source[1].trim();
      origins.set(file, '');
      continue;
    }
    const release = /^\s+release (.*)$/.exec(line);
    if (release && file !== undefined) origins.set(file, /(?:^|,)o=([^,]*)/.exec(release[1])?.[1] ?? '');
  }
  return origins;
}

/** `apt-cache policy NAMES`: for each package, the first source of its installed (`***`) version. */
function installedSources(text: string): Map<string, string> {
  const sources = new Map<string, string>();
  let name: string | undefined;
  let installedSeen = false;
  for (const line of text.split('\n')) {
    const header = /^(\S.*):$/.exec(line);
    if (header) {
      name = header[1];
      installedSeen = false;
      continue;
    }
    if (/^ \*\*\* /.test(line)) {
      installedSeen = true;
      continue;
    }
    const source = /^ {8}-?\d+ (.+)$/.exec(line);
    if (source && installedSeen && name !== undefined && !sources.has(name)) sources.set(name, source[1].trim());
  }
  return sources;
}

function parseApt(dpkg: string, files: string, policy: string, nativeArch: string): InstalledPackage[] {
  const origins = originsByFile(files);
  const sources = installedSources(policy);
  return lines(dpkg).flatMap((line): InstalledPackage[] => {
    const [state, base, version, arch, section] = line.split('\t');
    if (/^.[nc]/.test(state)) return [];
    const name = arch === nativeArch || arch === 'all' ? base : `${base}:${arch}`;
    const source = sources.get(name) ?? sources.get(base) ?? sources.get(`${base}:${arch}`);
    return [{ name, version, arch, category: section ?? '', origin: source === undefined ? '' : (origins.get(source) ?? ''), source: 'apt' }];
  });
}

/** One round trip: the installed packages of the first manager found (or of each, with all), and which were found. */
export async function listInstalled(connection: Connection, managers: readonly PackageManagerName[]): Promise<{ found: PackageManagerName[]; packages: Map<PackageManagerName, InstalledPackage[]> }> {
  const { sections } = await runHostScript(connection, LIST_SCRIPT, managers);
  const [record] = sections;
  const found = record.all('found') as PackageManagerName[];
  const packages = new Map<PackageManagerName, InstalledPackage[]>();
  if (found.includes('rpm')) packages.set('rpm', parseRpm(decodeBase64Text(record.get('rpm')) ?? ''));
  if (found.includes('apt')) {
    const decoded = (key: string) => decodeBase64Text(record.get(key)) ?? '';
    packages.set('apt', parseApt(decoded('dpkg'), decoded('files'), decoded('policy'), record.get('arch') ?? ''));
  }
  return { found, packages };
}
