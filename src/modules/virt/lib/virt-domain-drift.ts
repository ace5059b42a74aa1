import { normalizePciAddress, pciHostdevXml, type DomainConfig, type DomainInterface } from './virt-domain.js';
import { networkSpec, type DiskArgs, type NetworkArg, type NetworkSpec } from './virt-install-command.js';
import { virshStep, virshXmlStep, type VirtStep } from './virt-steps.js';
import type { FieldView } from './virt-view.js';

/** The compared part of a virt_install task: what the domain's definition should say. */
export interface DomainWanted {
  uri: string;
  name: string;
  memory?: number;
  vcpus?: number;
  disk?: DiskArgs;
  networks?: NetworkArg[];
  hostdevs?: string[];
}

export interface DomainDrift {
  before: FieldView;
  after: FieldView;
  /** Memory and vCPU changes: libvirt edits these in any persistent definition. */
  sizingSteps: VirtStep[];
  /** NIC and PCI device changes, through attach/detach --config where the driver allows it. */
  deviceSteps: VirtStep[];
  /** The boot disk differs: only recreating the domain changes it. */
  diskDiffers: boolean;
}

const RECREATE_HINT = 'set recreate: true to recreate the domain with the wanted devices instead';

function mib(kib: number): number {
  return kib / 1024;
}

function sizeView(maximum: number | undefined, current: number | undefined): string | number | undefined {
  if (maximum === undefined) return undefined;
  return current === undefined || current === maximum ? maximum : `${maximum} (current ${current})`;
}

/** setmaxmem/setmem or setvcpus --maximum/setvcpus, ordered so current never exceeds the maximum. */
function sizingSteps(wanted: number, maximum: number | undefined, current: number | undefined, setMaximum: VirtStep, setCurrent: VirtStep): VirtStep[] {
  const maximumStep = maximum === wanted ? [] : [setMaximum];
  const currentStep = current === wanted ? [] : [setCurrent];
  return maximum !== undefined && wanted < maximum ? [...currentStep, ...maximumStep] : [...maximumStep, ...currentStep];
}

function interfaceView(nic: DomainInterface, shown: NetworkSpec | undefined): FieldView {
  return {
    [nic.type]: nic.source,
    ...(shown?.model !== undefined && nic.model !== undefined ? { model: nic.model } : {}),
    ...(shown?.mac !== undefined && nic.mac !== undefined ? { mac: nic.mac } : {}),
  };
}

function networkView(spec: NetworkSpec): FieldView {
  return {
    ...(spec.network !== undefined ? { network: spec.network } : { bridge: spec.bridge }),
    ...(spec.model !== undefined ? { model: spec.model } : {}),
    ...(spec.mac !== undefined ? { mac: spec.mac.toLowerCase() } : {}),
  };
}

function matches(nic: DomainInterface, spec: NetworkSpec): boolean {
  const type = spec.network !== undefined ? 'network' : 'bridge';
  return (
    nic.type === type &&
    nic.source === (spec.network ?? spec.bridge) &&
    (spec.model === undefined || nic.model === spec.model) &&
    (spec.mac === undefined || nic.mac === spec.mac.toLowerCase())
  );
}

interface ListDrift {
  before: FieldView[] | string[];
  after: FieldView[] | string[];
  steps: VirtStep[];
}

/** Pairs each wanted NIC with a defined one; the rest are attached or detached (order is not compared). */
function interfaceDrift(wanted: DomainWanted, networks: NetworkArg[], defined: DomainInterface[]): ListDrift {
  const specs = networks.map(networkSpec);
  const matchedBy = new Map<number, NetworkSpec>();
  const missing: NetworkSpec[] = [];
  for (const spec of specs) {
    const index = defined.findIndex((nic, at) => !matchedBy.has(at) && matches(nic, spec));
    if (index === -1) missing.push(spec);
    else matchedBy.set(index, spec);
  }
  const extra = defined.filter((_, index) => !matchedBy.has(index));
  const domain = `--domain=${wanted.name}`;
  const steps = [
    ...extra.map((nic) => virshStep(wanted.uri, 'detach-interface', [domain, `--type=${nic.type}`, ...(nic.mac ? [`--mac=${nic.mac}`] : []), '--config'], { hint: RECREATE_HINT })),
    ...missing.map((spec) =>
      virshStep(
        wanted.uri,
        'attach-interface',
        [
          domain,
          `--type=${spec.network !== undefined ? 'network' : 'bridge'}`,
          `--source=${spec.network ?? spec.bridge}`,
          ...(spec.model !== undefined ? [`--model=${spec.model}`] : []),
          ...(spec.mac !== undefined ? [`--mac=${spec.mac}`] : []),
          '--config',
        ],
        { hint: RECREATE_HINT },
      ),
    ),
  ];
  return {
    before: defined.map((nic, index) => interfaceView(nic, matchedBy.get(index))),
    after: [...defined.flatMap((nic, index) => (matchedBy.has(index) ? [interfaceView(nic, matchedBy.get(index))] : [])), ...missing.map(networkView)],
    steps,
  };
}

function hostdevDrift(wanted: DomainWanted, hostdevs: string[], defined: string[]): ListDrift {
  const wantedSet = [...new Set(hostdevs.map(normalizePciAddress))];
  const extra = defined.filter((address) => !wantedSet.includes(address));
  const missing = wantedSet.filter((address) => !defined.includes(address));
  const device = (command: string, address: string): VirtStep =>
    virshXmlStep(wanted.uri, command, [`--domain=${wanted.name}`, '--config'], pciHostdevXml(address), { hint: RECREATE_HINT });
  return {
    before: defined,
    after: [...defined.filter((address) => wantedSet.includes(address)), ...missing],
    steps: [...extra.map((address) => device('detach-device', address)), ...missing.map((address) => device('attach-device', address))],
  };
}

/** The compared fields before and after, and the edits that bring the definition to what is wanted. */
export function domainDrift(wanted: DomainWanted, defined: DomainConfig): DomainDrift {
  const before: FieldView = {};
  const after: FieldView = {};
  const sizing: VirtStep[] = [];
  const devices: VirtStep[] = [];
  const domain = `--domain=${wanted.name}`;
  let diskDiffers = false;

  if (wanted.memory !== undefined) {
    const kib = wanted.memory * 1024;
    const { memoryKiB, currentMemoryKiB } = defined;
    before.memory = sizeView(memoryKiB === undefined ? undefined : mib(memoryKiB), currentMemoryKiB === undefined ? undefined : mib(currentMemoryKiB));
    after.memory = wanted.memory;
    const step = (command: string): VirtStep => virshStep(wanted.uri, command, [domain, `--size=${kib}`, '--config']);
    sizing.push(...sizingSteps(kib, memoryKiB, currentMemoryKiB, step('setmaxmem'), step('setmem')));
  }
  if (wanted.vcpus !== undefined) {
    before.vcpus = sizeView(defined.vcpus, defined.currentVcpus);
    after.vcpus = wanted.vcpus;
    const count = `--count=${wanted.vcpus}`;
    sizing.push(
      ...sizingSteps(
        wanted.vcpus,
        defined.vcpus,
        defined.currentVcpus,
        virshStep(wanted.uri, 'setvcpus', [domain, count, '--maximum', '--config']),
        virshStep(wanted.uri, 'setvcpus', [domain, count, '--config']),
      ),
    );
  }
  if (wanted.disk !== undefined) {
    const disk = defined.disks[0];
    // The format is compared only where the driver records it (qemu does, the test driver does not).
    const format = disk?.format === undefined ? {} : { format: wanted.disk.format };
    before.disk = disk === undefined ? null : { path: disk.path, ...(disk.format === undefined ? {} : { format: disk.format }) };
    after.disk = { path: wanted.disk.path, ...format };
    diskDiffers = disk === undefined || disk.path !== wanted.disk.path || (disk.format !== undefined && disk.format !== wanted.disk.format);
  }
  if (wanted.networks !== undefined) {
    const drift = interfaceDrift(wanted, wanted.networks, defined.interfaces);
    before.networks = drift.before;
    after.networks = drift.after;
    devices.push(...drift.steps);
  }
  if (wanted.hostdevs !== undefined) {
    const drift = hostdevDrift(wanted, wanted.hostdevs, defined.hostdevs);
    before.hostdevs = drift.before;
    after.hostdevs = drift.after;
    devices.push(...drift.steps);
  }
  return { before, after, sizingSteps: sizing, deviceSteps: devices, diskDiffers };
}

/** The fields a new domain will have, for the diff of a creation. */
export function creationView(wanted: DomainWanted): FieldView {
  return {
    ...(wanted.memory !== undefined ? { memory: wanted.memory } : {}),
    ...(wanted.vcpus !== undefined ? { vcpus: wanted.vcpus } : {}),
    ...(wanted.disk !== undefined ? { disk: { path: wanted.disk.path, format: wanted.disk.format } } : {}),
    ...(wanted.networks !== undefined ? { networks: wanted.networks.map((network) => networkView(networkSpec(network))) } : {}),
    ...(wanted.hostdevs !== undefined ? { hostdevs: [...new Set(wanted.hostdevs.map(normalizePciAddress))] } : {}),
  };
}

