import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { creationView, domainDrift } from './lib/virt-domain-drift.js';
import { isActive, readDomain, type DomainState } from './lib/virt-domain-read.js';
import { qemuImgCreateArgv, virtInstallArgv, virtInstallStep, type CloudInitArgs, type DiskArgs, type DomainRequest } from './lib/virt-install-command.js';
import { applySteps, virshStep, type VirtStep } from './lib/virt-steps.js';
import { viewDiff, type FieldView } from './lib/virt-view.js';

type WantedState = 'present' | 'running' | 'shutdown' | 'absent';

interface VirtInstallArgs extends DomainRequest {
  cloud_init?: CloudInitArgs;
  state: WantedState;
  recreate: boolean;
}

const ABSOLUTE_PATH = { type: 'string', pattern: '^/' };
const PCI_ADDRESS = '^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$';
const NAME = { type: 'string', minLength: 1, pattern: '^[^\\x00-\\x1f]+$' };

function checkRequest({ cloud_init: cloudInit, disk }: VirtInstallArgs): void {
  if (disk !== undefined && /['"&]/.test(disk.path)) {
    throw new ModuleFailure(`disk.path must not contain ', " or &: virt-install escapes them twice, so the domain would name another file (${disk.path})`);
  }
  if (cloudInit?.user_data !== undefined && cloudInit.user_data_file !== undefined) {
    throw new ModuleFailure('cloud_init: user_data and user_data_file are mutually exclusive');
  }
  if (cloudInit?.network_config !== undefined && cloudInit.network_config_file !== undefined) {
    throw new ModuleFailure('cloud_init: network_config and network_config_file are mutually exclusive');
  }
}

interface DiskImage {
  steps: VirtStep[];
  before: FieldView;
  after: FieldView;
  /** Said in check mode when the backing image is missing: an earlier task of the run may create it. */
  note?: string;
}

/**
 * Creates the disk image when it is missing: a qcow2 overlay on the backing image, or an empty image.
 * A missing backing image fails a real run; --check plans the overlay on it, as an earlier task
 * (a download) skipped in check mode would have created it.
 */
function diskImage(disk: DiskArgs | undefined, found: DomainState, check: boolean): DiskImage {
  if (disk === undefined || found.diskExists !== false) return { steps: [], before: {}, after: {} };
  const backingMissing = disk.backing !== undefined && found.backingExists === false;
  if (backingMissing && !check) throw new ModuleFailure(`the backing image ${disk.backing} of disk ${disk.path} does not exist`);
  if (disk.backing === undefined && disk.size === undefined) {
    throw new ModuleFailure(`disk ${disk.path} does not exist: give disk.backing to create a qcow2 overlay on a base image, or disk.size to create an empty image`);
  }
  const size = disk.size === undefined ? '' : `, ${disk.size}`;
  return {
    steps: [{ what: 'qemu-img create', argv: qemuImgCreateArgv(disk) }],
    before: { disk_image: 'absent' },
    after: { disk_image: disk.backing === undefined ? `new ${disk.format} image${size}` : `${disk.format} overlay on ${disk.backing}${size}` },
    ...(backingMissing ? { note: `the backing image ${disk.backing} of disk ${disk.path} does not exist yet: the run fails unless an earlier task creates it` } : {}),
  };
}

/** virt-install, then the shutdown that a fresh domain which booted for cloud-init needs to be `shutdown`. */
function creationSteps(args: VirtInstallArgs, boot: boolean): VirtStep[] {
  const install = virtInstallStep(virtInstallArgv(args, boot), args.cloud_init);
  const bootsForCloudInit = args.cloud_init !== undefined && !boot;
  return [install, ...(args.state === 'shutdown' && bootsForCloudInit ? [virshStep(args.uri, 'shutdown', [`--domain=${args.name}`])] : [])];
}

function removalSteps(args: VirtInstallArgs, found: DomainState): VirtStep[] {
  const domain = `--domain=${args.name}`;
  return [
    ...(isActive(found.state) ? [virshStep(args.uri, 'destroy', [domain])] : []),
    virshStep(args.uri, 'undefine', [domain, ...(found.config?.hasNvram ? ['--nvram'] : [])]),
  ];
}

function powerSteps(args: VirtInstallArgs, current: string | undefined): VirtStep[] {
  const domain = `--domain=${args.name}`;
  if (args.state === 'running' && current === 'paused') return [virshStep(args.uri, 'resume', [domain])];
  if (args.state === 'running' && !isActive(current)) return [virshStep(args.uri, 'start', [domain])];
  if (args.state === 'shutdown' && isActive(current)) return [virshStep(args.uri, 'shutdown', [domain])];
  return [];
}

/** The run state shown in the diff and result: asked for, or (state present) what the domain will be in. */
function stateAfter(args: VirtInstallArgs, created: boolean, boot: boolean, current: string | undefined): string {
  if (args.state === 'running') return 'running';
  if (args.state === 'shutdown') return 'shut off';
  if (!created) return current ?? 'absent';
  return boot || args.cloud_init !== undefined ? 'running' : 'shut off';
}

function stateView(args: VirtInstallArgs, state: string): FieldView {
  return args.state === 'present' ? {} : { state };
}

export default defineModule<VirtInstallArgs, DomainState>({
  name: 'virt_install',
  examples: `
- name: A worker VM with a GPU
  betif.platform.virt_install:
    name: gpu-worker-1
    memory: 65536
    vcpus: 16
    osinfo: almalinux9
    disk:
      path: /var/lib/libvirt/images/gpu-worker-1.qcow2
      backing: /var/lib/libvirt/images/almalinux-9.qcow2
      size: 100G
    cloud_init:
      user_data:
        hostname: gpu-worker-1
    networks: [default]
    hostdevs: ['0000:41:00.0']
    state: running
`,
  returns: {
    name: { type: 'str', returned: 'always', description: 'The guest name.' },
    state: { type: 'str', returned: 'always', description: "The guest's state after the task." },
  },
  namespace: 'betif.platform',
  schema: {
    description: 'Defines and runs a KVM guest with virt-install, with its qcow2 overlay disk and cloud-init, and fixes drift.',
    type: 'object',
    properties: {
      name: { ...NAME, description: 'The guest (libvirt domain) name.' },
      memory: { type: 'integer', minimum: 1, description: "The guest's memory in MiB." },
      vcpus: { type: 'integer', minimum: 1, description: 'The number of virtual CPUs.' },
      cpu: { type: 'string', minLength: 1, description: 'The CPU model or mode (e.g. host-passthrough).' },
      machine: { type: 'string', minLength: 1, description: 'The machine type (e.g. q35).' },
      virt_type: { type: 'string', minLength: 1, description: 'The hypervisor type (e.g. kvm).' },
      osinfo: { type: 'string', minLength: 1, description: 'The libosinfo name of the guest OS (e.g. almalinux9).' },
      disk: {
        type: 'object',
        properties: {
          path: ABSOLUTE_PATH,
          backing: ABSOLUTE_PATH,
          size: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?[KMGTPE]$' },
          format: { type: 'string', pattern: '^[a-z0-9]+$', default: 'qcow2' },
        },
        required: ['path'],
        additionalProperties: false,
        description: 'The system disk - path, and backing image and size to create it as an overlay, and format.',
      },
      cloud_init: {
        type: 'object',
        properties: {
          user_data: { type: ['string', 'object'] },
          network_config: { type: ['string', 'object'] },
          user_data_file: ABSOLUTE_PATH,
          network_config_file: ABSOLUTE_PATH,
        },
        minProperties: 1,
        additionalProperties: false,
        description: 'cloud-init user data and network config (inline or as files) for the first boot.',
      },
      networks: {
        type: 'array',
        items: {
          anyOf: [
            NAME,
            {
              type: 'object',
              properties: {
                network: NAME,
                bridge: NAME,
                model: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
                mac: { type: 'string', pattern: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$' },
              },
              oneOf: [{ required: ['network'] }, { required: ['bridge'] }],
              additionalProperties: false,
            },
          ],
        },
        description: 'Network interfaces - a libvirt network name, or a mapping with network or bridge, model and mac.',
      },
      hostdevs: { type: 'array', items: { type: 'string', pattern: PCI_ADDRESS }, description: 'PCI devices passed through to the guest, as addresses (0000:01:00.0).' },
      uri: { type: 'string', minLength: 1, default: 'qemu:///system', description: 'The libvirt connection URI.' },
      state: { enum: ['present', 'running', 'shutdown', 'absent'], default: 'present', description: 'Whether the guest is defined (present), running, shut down, or destroyed and undefined (absent; its disk image stays).' },
      recreate: { type: 'boolean', default: false, description: 'Whether a guest whose devices differ from those asked for is undefined and created again, rather than the difference reported.' },
    },
    required: ['name'],
    additionalProperties: false,
  },

  async read(ctx, args) {
    checkRequest(args);
    const disk = args.state === 'absent' ? undefined : args.disk;
    return readDomain(ctx.connection, args.uri, args.name, disk?.path, disk?.backing);
  },

  plan(args, found, ctx) {
    const label = `domain ${args.name} (${args.uri})`;
    if (args.state === 'absent') {
      if (found.state === undefined) return { changed: false, result: { name: args.name, state: 'absent' } };
      return {
        changed: true,
        diff: [viewDiff(label, { state: found.state }, { state: 'absent' })],
        result: { name: args.name, state: 'absent' },
        apply: applySteps(ctx.connection, removalSteps(args, found)),
      };
    }

    const image = diskImage(args.disk, found, ctx.check);
    if (found.state === undefined || found.config === undefined) {
      const boot = args.state === 'running';
      const state = stateAfter(args, true, boot, undefined);
      return {
        changed: true,
        diff: [viewDiff(label, { state: 'absent' }, { ...creationView(args), ...image.after, state })],
        result: { name: args.name, state, ...(image.note === undefined ? {} : { msg: image.note }) },
        apply: applySteps(ctx.connection, [...image.steps, ...creationSteps(args, boot)]),
      };
    }

    const drift = domainDrift(args, found.config);
    if (drift.diskDiffers && !args.recreate) {
      throw new ModuleFailure(`the disk of domain ${args.name} is not ${args.disk?.path}: libvirt cannot change a domain's disk in place; set recreate: true to recreate the domain`, {
        name: args.name,
      });
    }
    const recreate = args.recreate && (drift.diskDiffers || drift.deviceSteps.length > 0);
    const boot = args.state === 'running' || (args.state === 'present' && isActive(found.state));
    const state = stateAfter(args, recreate, boot, found.state);
    const steps = recreate
      ? [...image.steps, ...removalSteps(args, found), ...creationSteps(args, boot)]
      : [...image.steps, ...drift.sizingSteps, ...drift.deviceSteps, ...powerSteps(args, found.state)];
    const before = { ...drift.before, ...image.before, ...stateView(args, found.state) };
    const after = { ...drift.after, ...image.after, ...stateView(args, state) };
    const definitionEdited = !recreate && drift.sizingSteps.length + drift.deviceSteps.length > 0;
    const nextBoot = definitionEdited && isActive(found.state) ? `the changed definition applies from the next boot of domain ${args.name}` : undefined;
    const msg = [image.note, nextBoot].filter((part) => part !== undefined).join('; ');
    const result: ModuleResult = { name: args.name, state, ...(recreate ? { recreated: true } : {}), ...(msg ? { msg } : {}) };
    return {
      changed: steps.length > 0,
      diff: steps.length > 0 ? [viewDiff(label, before, after)] : [],
      result,
      apply: applySteps(ctx.connection, steps),
    };
  },
});
