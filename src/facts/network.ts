import type { FactInputs } from './script.js';

const INTERFACE_TYPES: Record<string, string> = { '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' };

interface Ipv4Address {
  interface: string;
  address: string;
  prefix: number;
  broadcast?: string;
  label: string;
}

function netmask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function toNumber(address: string): number {
  return address.split('.').reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0);
}

function toDotted(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/** Lines of `ip -o addr show`: "2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ...". */
function addresses(lines: string[]): { ipv4: Ipv4Address[]; ipv6: string[] } {
  const ipv4: Ipv4Address[] = [];
  const ipv6: string[] = [];
  for (const line of lines) {
    const words = line.split('\\')[0].trim().split(/\s+/);
    const [, name, family, cidr] = words;
    if (!cidr) continue;
    const [address, prefix] = cidr.split('/');
    if (family === 'inet6') ipv6.push(address);
    if (family !== 'inet') continue;
    const brd = words.indexOf('brd');
    ipv4.push({ interface: name.replace(/@.*$/, ''), address, prefix: Number(prefix ?? 32), broadcast: brd > 0 ? words[brd + 1] : undefined, label: words[words.length - 1] });
  }
  return { ipv4, ipv6 };
}

/** The default route with the lowest metric, from /proc/net/route (addresses are little-endian hex). */
function defaultRoute(lines: string[]): { interface: string; gateway?: string } | undefined {
  const routes = lines
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === '00000000' && fields[7] === '00000000')
    .sort((a, b) => Number(a[6]) - Number(b[6]));
  const best = routes[0];
  if (!best) return undefined;
  const gateway = Buffer.from(best[2], 'hex').reverse();
  return { interface: best[0], gateway: gateway.readUInt32BE(0) === 0 ? undefined : [...gateway].join('.') };
}

/** default_ipv4, all_ipv4_addresses, all_ipv6_addresses, interfaces, as Ansible reports them. */
export function networkFacts(inputs: FactInputs): Record<string, unknown> {
  const sysfs = (iface: string, file: string) => inputs.files.get(`/sys/class/net/${iface}/${file}`)?.[0]?.trim();
  const interfaces = [...inputs.files.keys()].map((path) => /^\/sys\/class\/net\/([^/]+)\/address$/.exec(path)?.[1]).filter((name): name is string => !!name);
  const { ipv4, ipv6 } = addresses(inputs.sections.get('addresses') ?? []);

  const route = defaultRoute(inputs.files.get('/proc/net/route') ?? []);
  const primary = route && ipv4.find((candidate) => candidate.interface === route.interface);
  const defaultIpv4: Record<string, unknown> = {};
  if (route && primary) {
    const iface = route.interface;
    const mask = netmask(primary.prefix);
    Object.assign(defaultIpv4, {
      address: primary.address,
      interface: iface,
      ...(route.gateway ? { gateway: route.gateway } : {}),
      alias: primary.label,
      broadcast: primary.broadcast ?? '',
      netmask: toDotted(mask),
      network: toDotted(toNumber(primary.address) & mask),
      prefix: String(primary.prefix),
      macaddress: sysfs(iface, 'address') ?? 'unknown',
      mtu: Number(sysfs(iface, 'mtu') ?? 0),
      type: INTERFACE_TYPES[sysfs(iface, 'type') ?? ''] ?? 'unknown',
    });
  }
  return {
    default_ipv4: defaultIpv4,
    all_ipv4_addresses: ipv4.map((entry) => entry.address).filter((address) => !address.startsWith('127.')),
    all_ipv6_addresses: ipv6.filter((address) => address !== '::1'),
    interfaces,
  };
}
