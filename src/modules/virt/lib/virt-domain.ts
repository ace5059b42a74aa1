import { attribute, buildXml, child, children, element, parseXml, text, type XmlElement } from './virt-xml.js';

/** A NIC as the domain defines it: `type` network or bridge, `source` the network or bridge name. */
export interface DomainInterface {
  type: string;
  source: string;
  model?: string;
  mac?: string;
}

export interface DomainDisk {
  path: string;
  /** The driver's format (qcow2, raw); the qemu driver records it, the test driver does not. */
  format?: string;
}

/** The fields of a defined (persistent) domain that virt_install compares. */
export interface DomainConfig {
  memoryKiB?: number;
  currentMemoryKiB?: number;
  vcpus?: number;
  currentVcpus?: number;
  /** Disks with device='disk' (cdroms, such as virt-install's cloud-init ISO, are not compared). */
  disks: DomainDisk[];
  interfaces: DomainInterface[];
  /** PCI passthrough devices as 0000:01:00.0. */
  hostdevs: string[];
  /** UEFI domains keep an NVRAM file that undefine must be told about. */
  hasNvram: boolean;
}

const KIB_PER_UNIT: Record<string, number> = {
  b: 1 / 1024,
  bytes: 1 / 1024,
  KB: 1000 / 1024,
  k: 1,
  KiB: 1,
  MB: 1e6 / 1024,
  M: 1024,
  MiB: 1024,
  GB: 1e9 / 1024,
  G: 1024 ** 2,
  GiB: 1024 ** 2,
  TB: 1e12 / 1024,
  T: 1024 ** 3,
  TiB: 1024 ** 3,
};

function kibOf(memory: XmlElement | undefined): number | undefined {
  const value = text(memory);
  if (value === undefined || value === '') return undefined;
  return Math.round(Number(value) * (KIB_PER_UNIT[attribute(memory, 'unit') ?? 'KiB'] ?? 1));
}

function integerOf(value: string | undefined): number | undefined {
  return value === undefined || value === '' ? undefined : Number.parseInt(value, 10);
}

/** 0000:01:00.0, lower case, from "01:00.0" or "0000:01:00.0". */
export function normalizePciAddress(address: string): string {
  const full = address.split(':').length === 2 ? `0000:${address}` : address;
  return full.toLowerCase();
}

function pciAddressOf(source: XmlElement | undefined): string | undefined {
  const address = child(source, 'address');
  const part = (name: string, width: number): string | undefined => {
    const value = attribute(address, name);
    return value === undefined ? undefined : Number.parseInt(value, value.startsWith('0x') ? 16 : 10).toString(16).padStart(width, '0');
  };
  const [domain, bus, slot, fn] = [part('domain', 4) ?? '0000', part('bus', 2), part('slot', 2), part('function', 1)];
  if (bus === undefined || slot === undefined || fn === undefined) return undefined;
  return `${domain}:${bus}:${slot}.${fn}`;
}

function interfaceOf(nic: XmlElement): DomainInterface {
  const type = attribute(nic, 'type') ?? '';
  const source = child(nic, 'source');
  return {
    type,
    source: attribute(source, type === 'bridge' ? 'bridge' : type === 'network' ? 'network' : 'dev') ?? '',
    model: attribute(child(nic, 'model'), 'type'),
    mac: attribute(child(nic, 'mac'), 'address')?.toLowerCase(),
  };
}

export function parseDomainXml(xml: string): DomainConfig {
  const domain = parseXml(xml, 'domain', 'the domain definition');
  const devices = child(domain, 'devices');
  const vcpu = child(domain, 'vcpu');
  const vcpus = integerOf(text(vcpu));
  const os = child(domain, 'os');
  return {
    memoryKiB: kibOf(child(domain, 'memory')),
    currentMemoryKiB: kibOf(child(domain, 'currentMemory')) ?? kibOf(child(domain, 'memory')),
    vcpus,
    currentVcpus: integerOf(attribute(vcpu, 'current')) ?? vcpus,
    disks: children(devices, 'disk')
      .filter((disk) => (attribute(disk, 'device') ?? 'disk') === 'disk')
      .map((disk) => {
        const source = child(disk, 'source');
        return { path: attribute(source, 'file') ?? attribute(source, 'dev') ?? attribute(source, 'name') ?? '', format: attribute(child(disk, 'driver'), 'type') };
      }),
    interfaces: children(devices, 'interface').map(interfaceOf),
    hostdevs: children(devices, 'hostdev')
      .filter((hostdev) => attribute(hostdev, 'type') === 'pci')
      .map((hostdev) => pciAddressOf(child(hostdev, 'source')))
      .filter((address): address is string => address !== undefined),
    hasNvram: child(os, 'nvram') !== undefined || attribute(os, 'firmware') === 'efi' || attribute(child(os, 'loader'), 'type') === 'pflash',
  };
}

/** A PCI address (0000:01:00.0) as the attributes of libvirt's <address> element. */
export function pciAddressAttributes(address: string): { domain: string; bus: string; slot: string; function: string } {
  const [domain, bus, slotAndFunction] = normalizePciAddress(address).split(':');
  const [slot, fn] = slotAndFunction.split('.');
  return { domain: `0x${domain}`, bus: `0x${bus}`, slot: `0x${slot}`, function: `0x${fn}` };
}

/** The <hostdev> element attach-device/detach-device take for a PCI address (0000:01:00.0). */
export function pciHostdevXml(address: string): string {
  const source = element({}, { address: [element(pciAddressAttributes(address))] });
  return buildXml('hostdev', element({ mode: 'subsystem', type: 'pci', managed: 'yes' }, { source: [source] }));
}
