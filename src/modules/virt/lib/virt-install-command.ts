import { stringify } from 'yaml';
import { shellScript } from '../../../connection/quote.js';
import { normalizePciAddress, pciAddressAttributes } from './virt-domain.js';
import type { VirtStep } from './virt-steps.js';

export interface DiskArgs {
  path: string;
  /** Base image of a qcow2 overlay created at path when path does not exist. */
  backing?: string;
  /** qemu-img size ("20G"): of an empty image, or to grow the overlay beyond its backing image. */
  size?: string;
  format: string;
}

export interface NetworkSpec {
  network?: string;
  bridge?: string;
  model?: string;
  mac?: string;
}

/** A network name, or a mapping naming a libvirt network or a host bridge. */
export type NetworkArg = string | NetworkSpec;

export interface CloudInitArgs {
  /** Content (text, or a mapping written as #cloud-config YAML) ... */
  user_data?: string | Record<string, unknown>;
  network_config?: string | Record<string, unknown>;
  /** ... or a file already on the target host. */
  user_data_file?: string;
  network_config_file?: string;
}

/** What virt-install is told about the domain it creates. */
export interface DomainRequest {
  uri: string;
  name: string;
  memory?: number;
  vcpus?: number;
  cpu?: string;
  machine?: string;
  virt_type?: string;
  osinfo?: string;
  disk?: DiskArgs;
  networks?: NetworkArg[];
  hostdevs?: string[];
}

export function networkSpec(network: NetworkArg): NetworkSpec {
  return typeof network === 'string' ? { network } : network;
}

const PLAIN_VALUE = /^[A-Za-z0-9_./:@+-]+$/;

/**
 * `key=value` for a virt-install sub-option list (`--disk path=...,format=...`). virt-install splits
 * these with Python's shlex (posix mode, ',' as the separator), so a value holding a comma, quote or
 * '=' is double-quoted with '\' and '"' escaped: it stays one value.
 */
export function subOption(key: string, value: string): string {
  return `${key}=${PLAIN_VALUE.test(value) ? value : `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`}`;
}

function networkOption(network: NetworkArg): string {
  const spec = networkSpec(network);
  return [
    spec.network !== undefined ? subOption('network', spec.network) : subOption('bridge', spec.bridge ?? ''),
    ...(spec.model !== undefined ? [subOption('model', spec.model)] : []),
    ...(spec.mac !== undefined ? [subOption('mac', spec.mac)] : []),
  ].join(',');
}

function networkArgs(networks: NetworkArg[] | undefined): string[] {
  if (networks === undefined) return [];
  if (networks.length === 0) return ['--network', 'none'];
  return networks.flatMap((network) => ['--network', networkOption(network)]);
}

/**
 * `--hostdev` for a PCI address, written as the <hostdev> element itself. `--hostdev 0000:01:00.0` makes
 * virt-install look the address up among libvirt's node devices, which a driver without node devices
 * (the test driver) refuses; the XPath sub-options need no lookup and give the same element.
 */
function hostdevOption(address: string): string {
  const fields: [string, string][] = [
    ['./@mode', 'subsystem'],
    ['./@managed', 'yes'],
    ...Object.entries(pciAddressAttributes(address)).map(([name, value]): [string, string] => [`./source/address/@${name}`, value]),
  ];
  return ['type=pci', ...fields.map(([path, value], index) => `xpath${index + 1}.set=${path}=${value}`)].join(',');
}

/**
 * The virt-install command that creates the domain from an existing disk (--import). `boot: false`
 * adds --noreboot: the domain is only defined (virt-install still boots it once to hand cloud-init its data).
 */
export function virtInstallArgv(request: DomainRequest, boot: boolean): string[] {
  const { disk } = request;
  return [
    'virt-install',
    `--connect=${request.uri}`,
    `--name=${request.name}`,
    ...(request.memory !== undefined ? ['--memory', String(request.memory)] : []),
    ...(request.vcpus !== undefined ? ['--vcpus', String(request.vcpus)] : []),
    ...(request.cpu !== undefined ? ['--cpu', subOption('model', request.cpu)] : []),
    ...(request.machine !== undefined ? [`--machine=${request.machine}`] : []),
    ...(request.virt_type !== undefined ? [`--virt-type=${request.virt_type}`] : []),
    ...(request.osinfo !== undefined ? ['--osinfo', subOption('name', request.osinfo)] : []),
    ...(disk !== undefined ? ['--disk', `${subOption('path', disk.path)},${subOption('format', disk.format)}`] : []),
    ...networkArgs(request.networks),
    ...[...new Set((request.hostdevs ?? []).map(normalizePciAddress))].flatMap((address) => ['--hostdev', hostdevOption(address)]),
    '--import',
    '--noautoconsole',
    ...(boot ? [] : ['--noreboot']),
  ];
}

/** The qemu-img command that creates the disk image: an overlay on the backing image, or an empty image. */
export function qemuImgCreateArgv(disk: DiskArgs): string[] {
  const backing = disk.backing === undefined ? [] : ['-b', disk.backing, '-F', 'qcow2'];
  return ['qemu-img', 'create', '-f', disk.format, ...backing, disk.path, ...(disk.size === undefined ? [] : [disk.size])];
}

/**
 * Runs virt-install "$@" with --cloud-init pointing at files in a private temp folder, removed afterwards.
 * $1 / $2 say where user-data / network-config come from: '' none, '-' the base64 line 1 / 2 of stdin,
 * else a file on this host (copied, so the option only ever names the temp folder's files).
 */
const CLOUD_INIT_SH = `ud=$1 nc=$2; shift 2
dir=$(mktemp -d) || exit 1
trap 'rm -rf -- "$dir"' EXIT
IFS= read -r ud_b64 || :
IFS= read -r nc_b64 || :
options=
add() {
  case $1 in
    '') return 0 ;;
    -) printf '%s' "$2" | base64 -d > "$dir/$3" || exit 1 ;;
    *) cp -- "$1" "$dir/$3" || exit 1 ;;
  esac
  options="\${options:+$options,}$3=$dir/$3"
}
add "$ud" "$ud_b64" user-data
add "$nc" "$nc_b64" network-config
virt-install "$@" --cloud-init "$options"
`;

function cloudInitText(content: string | Record<string, unknown>, header: string): string {
  return typeof content === 'string' ? content : `${header}${stringify(content)}`;
}

function cloudInitSource(content: string | undefined, file: string | undefined): { source: string; line: string } {
  if (content !== undefined) return { source: '-', line: Buffer.from(content).toString('base64') };
  return { source: file ?? '', line: '' };
}

/** The step that runs virt-install, handing it the cloud-init data when there is some. */
export function virtInstallStep(argv: string[], cloudInit: CloudInitArgs | undefined): VirtStep {
  if (cloudInit === undefined) return { what: 'virt-install', argv };
  const userData = cloudInitSource(
    cloudInit.user_data === undefined ? undefined : cloudInitText(cloudInit.user_data, '#cloud-config\n'),
    cloudInit.user_data_file,
  );
  const networkConfig = cloudInitSource(
    cloudInit.network_config === undefined ? undefined : cloudInitText(cloudInit.network_config, ''),
    cloudInit.network_config_file,
  );
  return {
    what: 'virt-install',
    argv: shellScript(CLOUD_INIT_SH, [userData.source, networkConfig.source, ...argv.slice(1)]),
    stdin: `${userData.line}\n${networkConfig.line}\n`,
  };
}
