import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';
import { decodeBase64Text, runHostScript, type HostRecord } from '../../shared/host-script.js';

/** What dpkg knows of a package: its state letters (`ii`, `rc` ...) and version. */
export interface DpkgEntry {
  name: string;
  arch: string;
  /** dpkg's current-state letter: `i` installed, `c` config files left, `n` not installed ... */
  state: string;
  version: string;
}

/** What apt knows of a package: `apt-cache policy` (versions highest first, the candidate under the pins in force). */
export interface PolicyEntry {
  name: string;
  installed?: string;
  candidate?: string;
  versions: string[];
}

export interface AptCache {
  /** The cache's age stamp before and after this task (seconds since the epoch; 0 when apt never updated). */
  timeBefore: number;
  timeAfter: number;
  /** update_cache / cache_valid_time asked for an update that was due (done unless in check mode). */
  updateDue: boolean;
}

export interface AptView {
  cache: AptCache;
  nativeArch: string;
  /** `apt-cache pkgnames`, when asked for (to expand name globs). */
  knownNames: string[];
  dpkg: DpkgEntry[];
  policy: PolicyEntry[];
  /** Packages apt marked as installed automatically (as a dependency). */
  auto: Set<string>;
}

export interface AptQuery {
  check: boolean;
  /** Update the cache when it is older than validSeconds (update_cache, cache_valid_time). */
  update?: { validSeconds: number; retries: number; maxDelay: number };
  listNames: boolean;
  defaultRelease?: string;
  names: string[];
}

/*
 * Arguments: CHECK UPDATE VALID RETRIES MAXDELAY LISTNAMES RELEASE NAMES... The cache stamps are the
 * ones Ansible reads, found where apt's configuration (APT_CONFIG) puts its state. Output that may
 * hold any byte is base64. An update is due when the stamp plus VALID is not after now: Ansible
 * compares to the microsecond, so a stamp from this very second is older than now; in whole seconds
 * that is -le, not -lt (which skipped update_cache on a lists folder made in the same second).
 */
const READ_SCRIPT = [
  'export LC_ALL=C.UTF-8 LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical',
  'check=$1 update=$2 valid=$3 retries=$4 maxdelay=$5 listnames=$6 release=$7',
  'shift 7',
  'b64() { base64 -w0; }',
  'config=$(apt-config shell lists Dir::State::lists/d state Dir::State/d) || exit 1',
  'eval "$config"',
  'cache_time() {',
  '  if [ -e "${state}periodic/update-success-stamp" ]; then stat -c %Y -- "${state}periodic/update-success-stamp"',
  '  elif [ -e "$lists" ]; then stat -c %Y -- "$lists"',
  '  else echo 0; fi',
  '}',
  'before=$(cache_time)',
  'echo "before=$before"',
  'if [ "$update" = 1 ] && [ $((before + valid)) -le "$(date +%s)" ]; then',
  '  echo due=1',
  '  if [ "$check" = 0 ]; then',
  '    err=$(mktemp) || exit 1',
  '    try=0 delay=1',
  '    until apt-get -q update >/dev/null 2>"$err"; do',
  '      try=$((try + 1))',
  '      if [ "$try" -ge "$retries" ]; then printf "update_error=%s\\n" "$(b64 < "$err")"; rm -f -- "$err"; exit 0; fi',
  '      sleep "$delay"',
  '      delay=$((delay * 2)); [ "$delay" -gt "$maxdelay" ] && delay=$maxdelay',
  '    done',
  '    rm -f -- "$err"',
  '  fi',
  'fi',
  'echo "after=$(cache_time)"',
  'echo "arch=$(dpkg --print-architecture)"',
  '[ "$listnames" = 1 ] && printf "names=%s\\n" "$(apt-cache pkgnames | b64)"',
  'if [ $# -gt 0 ]; then',
  '  printf "dpkg=%s\\n" "$(dpkg-query -W -f=\'${Package}\\t${Architecture}\\t${db:Status-Abbrev}\\t${Version}\\n\' -- "$@" 2>/dev/null | b64)"',
  '  err=$(mktemp) || exit 1',
  '  out=$(apt-cache policy ${release:+-t "$release"} -- "$@" 2>"$err" | b64)',
  '  printf "policy=%s\\npolicy_error=%s\\n" "$out" "$(b64 < "$err")"',
  '  rm -f -- "$err"',
  '  printf "auto=%s\\n" "$(apt-mark showauto -- "$@" 2>/dev/null | b64)"',
  'fi',
].join('\n');

function decoded(record: HostRecord, key: string): string {
  return decodeBase64Text(record.get(key)) ?? '';
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

export function parseDpkgQuery(text: string): DpkgEntry[] {
  return lines(text).map((line) => {
    const [name, arch, abbrev, version] = line.split('\t');
    return { name, arch, state: abbrev?.[1] ?? 'n', version: version ?? '' };
  });
}

function policyValue(value: string | undefined): string | undefined {
  return value === undefined || value === '(none)' ? undefined : value;
}

/** `apt-cache policy NAME...`: a block per known package, its header `NAME:` at the start of a line. */
export function parseAptPolicy(text: string): PolicyEntry[] {
  const entries: PolicyEntry[] = [];
  let current: PolicyEntry | undefined;
  for (const line of text.split('\n')) {
    const header = /^(\S.*):$/.exec(line);
    if (header) {
      current = { name: header[1], versions: [] };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    const field = /^ {2}(Installed|Candidate): (.*)$/.exec(line);
    if (field) {
      if (field[1] === 'Installed') current.installed = policyValue(field[2]);
      else current.candidate = policyValue(field[2]);
      continue;
    }
    const version = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line);
    if (version) current.versions.push(version[1]);
  }
  return entries;
}

/** One round trip: the cache age (updating it when due), and what dpkg and apt know of the names. */
export async function readApt(connection: Connection, query: AptQuery): Promise<AptView> {
  const args = [
    query.check ? '1' : '0',
    query.update ? '1' : '0',
    String(query.update?.validSeconds ?? 0),
    String(query.update?.retries ?? 1),
    String(query.update?.maxDelay ?? 1),
    query.listNames ? '1' : '0',
    query.defaultRelease ?? '',
    ...query.names,
  ];
  const { sections } = await runHostScript(connection, READ_SCRIPT, args);
  const [record] = sections;
  if (record.has('update_error')) {
    throw new ModuleFailure(`Failed to update apt cache: ${decoded(record, 'update_error').trim() || 'unknown reason'}`);
  }
  const policyError = decoded(record, 'policy_error').trim();
  if (/^E: /m.test(policyError)) throw new ModuleFailure(policyError);
  return {
    cache: { timeBefore: Number(record.get('before') ?? 0), timeAfter: Number(record.get('after') ?? 0), updateDue: record.has('due') },
    nativeArch: record.get('arch') ?? '',
    knownNames: lines(decoded(record, 'names')),
    dpkg: parseDpkgQuery(decoded(record, 'dpkg')),
    policy: parseAptPolicy(decoded(record, 'policy')),
    auto: new Set(lines(decoded(record, 'auto'))),
  };
}
