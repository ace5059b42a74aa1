import type { Connection } from '../../../connection/types.js';
import { decodeBase64Text, runHostScript } from '../../shared/host-script.js';

/** What the target's libvirt says about one network; undefined fields when it is not defined. */
export interface NetworkState {
  defined: boolean;
  active?: boolean;
  autostart?: boolean;
  persistent?: boolean;
  xml?: string;
}

/**
 * $1 URI, $2 network name. The XML is the persistent definition (--inactive); libvirt's test driver
 * has no --inactive, and keeps a single definition, so the plain dump is read there.
 */
const READ_SCRIPT = `uri=$1 name=$2
names=$(virsh -c "$uri" net-list --all --name) || exit 1
if printf '%s\\n' "$names" | grep -Fxq -e "$name"; then
  info=$(virsh -c "$uri" net-info --network="$name") || exit 1
  xml=$(virsh -c "$uri" net-dumpxml --inactive --network="$name" 2>/dev/null) || xml=$(virsh -c "$uri" net-dumpxml --network="$name") || exit 1
  printf 'info=%s\\n' "$(printf '%s' "$info" | base64 | tr -d '\\n')"
  printf 'xml=%s\\n' "$(printf '%s' "$xml" | base64 | tr -d '\\n')"
fi
`;

/** `virsh net-info`'s "Key:   value" lines. */
export function parseInfo(text: string): Map<string, string> {
  const info = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s*(.*)$/.exec(line.trim());
    if (match) info.set(match[1], match[2]);
  }
  return info;
}

/** One round trip: whether the network is defined, active and autostarted, and its definition. */
export async function readNetwork(connection: Connection, uri: string, name: string): Promise<NetworkState> {
  const { sections } = await runHostScript(connection, READ_SCRIPT, [uri, name]);
  const record = sections[0];
  const infoText = decodeBase64Text(record.get('info'));
  if (infoText === undefined) return { defined: false };
  const info = parseInfo(infoText);
  return {
    defined: true,
    active: info.get('Active') === 'yes',
    autostart: info.get('Autostart') === 'yes',
    persistent: info.get('Persistent') !== 'no',
    xml: decodeBase64Text(record.get('xml')),
  };
}
