/**
 * The host script of service_facts: systemd's units and unit files (and, for unit files systemd has
 * not loaded, their ActiveState) and sysv's `service --status-all`, in named sections.
 */
export const SERVICES_SCRIPT = `
section() { printf '\\n@@betif-services %s\\n' "$1"; }
exec 3>&1
pid1=; [ -r /proc/1/comm ] && read -r pid1 < /proc/1/comm
systemd=
case $pid1 in *systemd*) systemd=1;; esac
for canary in /run/systemd/system /dev/.run/systemd /dev/.systemd; do [ -e "$canary" ] && systemd=1; done
if [ -n "$systemd" ] && command -v systemctl >/dev/null 2>&1; then
  units=$(systemctl list-units --no-pager --type service --all 2>&1); units_rc=$?
  files=$(systemctl list-unit-files --no-pager --type service --all 2>&1); files_rc=$?
  section units; echo "$units_rc"; printf '%s\\n' "$units"
  section unit_files; echo "$files_rc"; printf '%s\\n' "$files"
  section active_states
  listed=" $(printf '%s\\n' "$units" | while read -r first second rest; do
    case $first in *.service) printf '%s ' "$first";; *) case $second in *.service) printf '%s ' "$second";; esac;; esac
  done)"
  printf '%s\\n' "$files" | while read -r name rest; do
    case $name in *.service) ;; *) continue;; esac
    case $listed in *" $name "*) continue;; esac
    state=$(systemctl show "$name" --property=ActiveState 2>/dev/null) && printf '%s %s\\n' "$name" "$state"
  done
fi
if command -v service >/dev/null 2>&1 && ! command -v chkconfig >/dev/null 2>&1 && ! command -v rc-status >/dev/null 2>&1; then
  section sysv
  err=$(service --status-all 2>&1 >&3 3>&-); rc=$?
  section sysv_result
  [ -d /etc/init.d ] && echo init.d || echo none
  echo "$rc"
  printf '%s\\n' "$err"
fi
section end
`;

export interface Service {
  name: string;
  state: string;
  status?: string;
  source: string;
}

export interface ServiceListing {
  services: Record<string, Service>;
  warnings: string[];
}

function parseSections(stdout: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const marker = /^@@betif-services (\w+)$/.exec(line);
    if (marker) {
      if (current?.at(-1) === '') current.pop();
      sections.set(marker[1], (current = []));
    } else current?.push(line);
  }
  return sections;
}

const BAD_STATES = ['not-found', 'masked', 'failed'];

/** `service --status-all`: "[ + ]  name" is running, "[ - ]" stopped, "[ ? ]" left out. */
function sysvServices(sections: Map<string, string[]>, services: Record<string, Service>, warnings: string[]): void {
  const result = sections.get('sysv_result');
  if (!result) return;
  const [initD, rcText, ...err] = result;
  const rc = Number(rcText);
  if (rc === 4 && initD === 'none') return;
  if (rc !== 0) warnings.push(`Unable to query 'service' tool (${rc}): ${err.join('\n')}`);
  for (const line of sections.get('sysv') ?? []) {
    const match = /^\s*\[ ([+-]) \]\s+(.+)$/.exec(line);
    if (match) services[match[2]] = { name: match[2], state: match[1] === '+' ? 'running' : 'stopped', source: 'sysv' };
  }
}

/** systemctl list-units, then list-unit-files for the rest and the final status, as Ansible 2.14 reads them. */
function systemdServices(sections: Map<string, string[]>, services: Record<string, Service>, warnings: string[]): void {
  const [unitsRc, ...units] = sections.get('units') ?? [];
  if (unitsRc === undefined) return;
  if (unitsRc !== '0') warnings.push(`Could not list units from systemd: ${units.join('\n')}`);
  else {
    for (const line of units.filter((candidate) => candidate.includes('.service'))) {
      let fields = line.trim().split(/\s+/);
      const bad = BAD_STATES.find((state) => fields.includes(state));
      // Units in a bad state start with a bullet.
      if (bad) fields = fields.slice(1);
      const name = fields[0];
      services[name] = { name, state: fields[3] === 'running' ? 'running' : 'stopped', status: bad ?? fields[2], source: 'systemd' };
    }
  }
  const [filesRc, ...files] = sections.get('unit_files') ?? [];
  if (filesRc !== '0') {
    warnings.push(`Could not get unit files data from systemd: ${files.join('\n')}`);
    return;
  }
  const activeStates = new Map((sections.get('active_states') ?? []).map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1).replace(/^ActiveState=/, '').trimEnd()]));
  for (const line of files.filter((candidate) => candidate.includes('.service'))) {
    const [name, status] = line.trim().split(/\s+/);
    const known = services[name];
    if (!known) services[name] = { name, state: activeStates.get(name) || 'unknown', status, source: 'systemd' };
    else if (!BAD_STATES.includes(known.status ?? '')) known.status = status;
  }
}

export function parseServiceListing(stdout: string): ServiceListing {
  const sections = parseSections(stdout);
  const services: Record<string, Service> = {};
  const warnings: string[] = [];
  sysvServices(sections, services, warnings);
  systemdServices(sections, services, warnings);
  return { services, warnings };
}
