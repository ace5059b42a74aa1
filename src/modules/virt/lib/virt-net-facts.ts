import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';
import { decodeBase64Text, runHostScript, type HostRecord } from '../../shared/host-script.js';
import { parseInfo } from './virt-net-read.js';
import { attribute, child, parseXml } from './virt-xml.js';

/**
 * $1 URI, $2 the virsh commands to run per network, then the network names (none: every network). For facts, in
 * community.libvirt's order: net-info (autostart, persistent, state, bridge, uuid), the live XML (XMLDesc(0), as
 * net-dumpxml prints it) and the DHCP leases. A failing virsh stops there with libvirt's message, as the
 * collection fails on the first error.
 */
const FACTS_SCRIPT = `uri=$1 parts=$2; shift 2
b64() { printf '%s' "$1" | base64 | tr -d '\\n'; }
all=$(virsh -c "$uri" net-list --all --name) || exit 1
[ $# -gt 0 ] || set -- $all
for name in "$@"; do
  printf -- '--\\nname=%s\\n' "$(b64 "$name")"
  if ! printf '%s\\n' "$all" | grep -Fxq -e "$name"; then printf 'missing=1\\n'; exit 0; fi
  for part in $parts; do
    out=$(virsh -c "$uri" "$part" "$name" 2>&1) || { printf 'error=%s\\n' "$(b64 "$out")"; exit 0; }
    printf '%s=%s\\n' "$part" "$(b64 "$out")"
  done
done
`;

export type NetworkFacts = Record<string, unknown>;

const yesNo = (value: string | undefined): string => (value === 'yes' ? 'yes' : 'no');

/** libvirt's own message: virsh's last "error: " line. */
function libvirtMessage(text: string): string {
  const errors = text.split('\n').filter((line) => line.startsWith('error: '));
  return (errors.at(-1) ?? text).replace(/^error: /, '').trim();
}

/** DHCPLeases() as libvirt-python returns them, from `virsh net-dhcp-leases`' table. */
function leasesOf(text: string, bridge: string | undefined): Record<string, unknown>[] {
  const rows = text.split('\n').slice(2).map((line) => line.trim().split(/\s+/)).filter((cells) => cells.length >= 5);
  return rows.map(([date, time, mac, protocol, address, hostname, clientId]) => {
    const [ipaddr, prefix] = address.split('/');
    const none = (cell: string | undefined) => (cell === undefined || cell === '-' ? null : cell);
    return {
      iface: bridge ?? null,
      expirytime: Math.floor(new Date(`${date}T${time}`).getTime() / 1000),
      type: protocol === 'ipv6' ? 1 : 0,
      mac,
      iaid: null,
      ipaddr,
      prefix: Number(prefix),
      hostname: none(hostname),
      clientid: none(clientId),
    };
  });
}

/** The collection's optional fields from the network's XML: forward mode, domain name and MAC address. */
function xmlFields(xml: string): Record<string, unknown> {
  const root = parseXml(xml, 'network', 'the network definition');
  const fields: Record<string, unknown> = {};
  const forward = attribute(child(root, 'forward'), 'mode');
  const domain = attribute(child(root, 'domain'), 'name');
  const mac = attribute(child(root, 'mac'), 'address');
  if (forward !== undefined) fields.forward_mode = forward;
  if (domain !== undefined) fields.domain = domain;
  if (mac !== undefined) fields.macaddress = mac;
  return fields;
}

/** XMLDesc's text ends with a line break: the script's capture of virsh's output dropped it. */
const xmlDescOf = (dump: string): string => `${dump}\n`;

async function readParts(connection: Connection, uri: string, parts: string, names: string[]): Promise<Map<string, HostRecord>> {
  const { sections } = await runHostScript(connection, FACTS_SCRIPT, [uri, parts, ...names]);
  const networks = new Map<string, HostRecord>();
  for (const section of sections.slice(1)) {
    const name = decodeBase64Text(section.get('name')) ?? '';
    if (section.has('missing')) throw new ModuleFailure(`network ${name} not found`);
    const error = decodeBase64Text(section.get('error'));
    if (error !== undefined) throw new ModuleFailure(libvirtMessage(error));
    networks.set(name, section);
  }
  return networks;
}

/** The network's XML as XMLDesc(0) gives it (community.libvirt's get_xml). */
export async function readNetworkXml(connection: Connection, uri: string, name: string): Promise<string> {
  const networks = await readParts(connection, uri, 'net-dumpxml', [name]);
  return xmlDescOf(decodeBase64Text(networks.get(name)?.get('net-dumpxml')) ?? '');
}

/** One round trip: community.libvirt's facts of the named networks (every network when none is named). */
export async function readNetworkFacts(connection: Connection, uri: string, names: string[]): Promise<Record<string, NetworkFacts>> {
  const facts: Record<string, NetworkFacts> = {};
  for (const [name, section] of await readParts(connection, uri, 'net-info net-dumpxml net-dhcp-leases', names)) {
    const info = parseInfo(decodeBase64Text(section.get('net-info')) ?? '');
    const bridge = info.get('Bridge');
    facts[name] = {
      autostart: yesNo(info.get('Autostart')),
      persistent: yesNo(info.get('Persistent')),
      state: info.get('Active') === 'yes' ? 'active' : 'inactive',
      bridge,
      uuid: info.get('UUID'),
      dhcp_leases: leasesOf(decodeBase64Text(section.get('net-dhcp-leases')) ?? '', bridge),
      ...xmlFields(xmlDescOf(decodeBase64Text(section.get('net-dumpxml')) ?? '')),
    };
  }
  return facts;
}
