import { attribute, child, children, element, textElement, type XmlElement } from './virt-xml.js';

/** virt_net's field arguments: the common shape of a libvirt network. */
export interface NetworkFields {
  /** nat, route, open, bridge ... or none: an isolated network without <forward>. */
  forward?: string;
  bridge?: string;
  ip?: string;
  netmask?: string;
  dhcp_start?: string;
  dhcp_end?: string;
}

export const NETWORK_FIELD_NAMES = ['forward', 'bridge', 'ip', 'netmask', 'dhcp_start', 'dhcp_end'] as const;

function netmaskOf(prefix: string | undefined): string | undefined {
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join('.');
}

function ipv4(network: XmlElement | undefined): XmlElement | undefined {
  return children(network, 'ip').find((ip) => (attribute(ip, 'family') ?? 'ipv4') === 'ipv4');
}

/** The fields as a defined network has them (<forward> missing = an isolated network, 'none'). */
export function networkFields(network: XmlElement | undefined): NetworkFields {
  const forward = child(network, 'forward');
  const ip = ipv4(network);
  const range = child(child(ip, 'dhcp'), 'range');
  return {
    forward: forward === undefined ? 'none' : (attribute(forward, 'mode') ?? 'nat'),
    bridge: attribute(child(network, 'bridge'), 'name'),
    ip: attribute(ip, 'address'),
    netmask: attribute(ip, 'netmask') ?? netmaskOf(attribute(ip, 'prefix')),
    dhcp_start: attribute(range, 'start'),
    dhcp_end: attribute(range, 'end'),
  };
}

function setAttributes(target: XmlElement, values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) if (value !== undefined) target[`@_${name}`] = value;
}

/**
 * The network definition with the given fields set: a new one, or the defined one edited in place
 * so that what the fields do not mention (uuid, mac, dns, routes ...) is kept.
 */
export function withNetworkFields(defined: XmlElement | undefined, name: string, fields: NetworkFields): XmlElement {
  const network: XmlElement = defined === undefined ? { name: [textElement(name)] } : structuredClone(defined);
  if (fields.forward === 'none') delete network.forward;
  else if (fields.forward !== undefined && networkFields(network).forward !== fields.forward) network.forward = [element({ mode: fields.forward })];
  if (fields.bridge !== undefined) {
    const bridge = child(network, 'bridge');
    if (bridge) setAttributes(bridge, { name: fields.bridge });
    else network.bridge = [element({ name: fields.bridge })];
  }
  if (fields.ip !== undefined) {
    let ip = ipv4(network);
    if (!ip) {
      ip = element({});
      network.ip = [...children(network, 'ip'), ip];
    }
    if (fields.netmask !== undefined) delete ip['@_prefix'];
    setAttributes(ip, { address: fields.ip, netmask: fields.netmask });
    if (fields.dhcp_start !== undefined) {
      const dhcp = child(ip, 'dhcp') ?? element({});
      ip.dhcp = [dhcp, ...children(ip, 'dhcp').slice(1)];
      const range = child(dhcp, 'range') ?? element({});
      dhcp.range = [range, ...children(dhcp, 'range').slice(1)];
      setAttributes(range, { start: fields.dhcp_start, end: fields.dhcp_end });
    }
  }
  return network;
}
