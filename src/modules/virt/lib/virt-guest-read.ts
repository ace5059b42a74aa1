import type { Connection } from '../../../connection/types.js';
import { decodeBase64Text, runHostScript } from '../../shared/host-script.js';

/** What libvirt says about one guest, and the guests it lists. */
export interface GuestState {
  /** `virsh domstate` ("running", "shut off", "paused" ...); undefined when the guest is not defined. */
  state?: string;
  autostart?: boolean;
  /** The persistent definition (dumpxml --inactive). */
  xml?: string;
  /** Guest names, when a listing was asked for. */
  listed?: string[];
}

/** $1 URI, $2 guest name ('' for none), $3 `virsh list` filter flag ('' for no listing). */
const READ_SCRIPT = `uri=$1 name=$2 filter=$3
names=$(virsh -c "$uri" list --all --name) || exit 1
if [ -n "$name" ] && printf '%s\\n' "$names" | grep -Fxq -e "$name"; then
  printf 'state=%s\\n' "$(virsh -c "$uri" domstate --domain="$name")" || exit 1
  autostart=$(virsh -c "$uri" dominfo --domain="$name" | sed -n 's/^Autostart: *//p') || exit 1
  printf 'autostart=%s\\n' "$autostart"
  xml=$(virsh -c "$uri" dumpxml --inactive --domain="$name") || exit 1
  printf 'xml=%s\\n' "$(printf '%s' "$xml" | base64 | tr -d '\\n')"
fi
if [ -n "$filter" ]; then
  virsh -c "$uri" list "$filter" --name | sed -n 's/^\\(..*\\)$/listed=\\1/p' || exit 1
fi
`;

/** One round trip: the guest's run state, autostart and definition, and (with a filter) the listed guests. */
export async function readGuest(connection: Connection, uri: string, name: string, listFilter = ''): Promise<GuestState> {
  const { sections } = await runHostScript(connection, READ_SCRIPT, [uri, name, listFilter]);
  const record = sections[0];
  return {
    state: record.get('state'),
    autostart: record.has('autostart') ? record.get('autostart') === 'enable' : undefined,
    xml: decodeBase64Text(record.get('xml')),
    listed: listFilter === '' ? undefined : record.all('listed'),
  };
}

/** The community.libvirt names of libvirt's domain states (its VIRT_STATE_NAME_MAP). */
export function stateName(state: string | undefined): string | undefined {
  if (state === undefined) return undefined;
  if (state === 'paused' || state === 'pmsuspended') return 'paused';
  if (state === 'in shutdown' || state === 'shut off') return 'shutdown';
  if (state === 'crashed') return 'crashed';
  return 'running';
}
