import type { Connection } from '../../../connection/types.js';
import { parseDomainXml, type DomainConfig } from './virt-domain.js';
import { decodeBase64Text, runHostScript } from '../../shared/host-script.js';

/** What the target's libvirt and filesystem say about one domain and its disk. */
export interface DomainState {
  /** `virsh domstate` ("running", "shut off", "paused" ...), undefined when the domain is not defined. */
  state?: string;
  /** The persistent definition (dumpxml --inactive). */
  config?: DomainConfig;
  diskExists?: boolean;
  backingExists?: boolean;
}

/** $1 URI, $2 domain name, $3 disk path, $4 backing image ('' when not asked). */
const READ_SCRIPT = `uri=$1 name=$2 disk=$3 backing=$4
names=$(virsh -c "$uri" list --all --name) || exit 1
if printf '%s\\n' "$names" | grep -Fxq -e "$name"; then
  state=$(virsh -c "$uri" domstate --domain="$name") || exit 1
  xml=$(virsh -c "$uri" dumpxml --inactive --domain="$name") || exit 1
  printf 'state=%s\\n' "$state"
  printf 'xml=%s\\n' "$(printf '%s' "$xml" | base64 | tr -d '\\n')"
fi
exists() { if [ -e "$1" ]; then echo 1; else echo 0; fi; }
[ -z "$disk" ] || printf 'disk=%s\\n' "$(exists "$disk")"
[ -z "$backing" ] || printf 'backing=%s\\n' "$(exists "$backing")"
`;

/** One round trip: the domain's run state and persistent definition, and whether its disk files exist. */
export async function readDomain(connection: Connection, uri: string, name: string, disk = '', backing = ''): Promise<DomainState> {
  const { sections } = await runHostScript(connection, READ_SCRIPT, [uri, name, disk, backing]);
  const record = sections[0];
  const xml = decodeBase64Text(record.get('xml'));
  const flag = (key: string): boolean | undefined => (record.has(key) ? record.get(key) === '1' : undefined);
  return {
    state: record.get('state'),
    config: xml === undefined ? undefined : parseDomainXml(xml),
    diskExists: flag('disk'),
    backingExists: flag('backing'),
  };
}

/** libvirt's states in which the domain runs (or is on its way down) rather than being off. */
export function isActive(state: string | undefined): boolean {
  return state !== undefined && state !== 'shut off' && state !== 'crashed';
}
