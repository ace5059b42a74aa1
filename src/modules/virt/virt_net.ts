import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type ModuleResult, type Plan } from '../contract.js';
import { NETWORK_FIELD_NAMES, networkFields, withNetworkFields, type NetworkFields } from './lib/virt-net-fields.js';
import { readNetwork, type NetworkState } from './lib/virt-net-read.js';
import { applySteps, virshStep, virshXmlStep } from './lib/virt-steps.js';
import { viewDiff, type FieldView } from './lib/virt-view.js';
import { buildXml, child, parseXml, text, textElement, xmlFields, xmlFieldValue, type XmlElement } from './lib/virt-xml.js';

interface VirtNetArgs extends NetworkFields {
  name: string;
  xml?: string;
  state: 'present' | 'active' | 'absent';
  autostart?: boolean;
  uri: string;
}

const IPV4 = { type: 'string', pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}$' };

/** The wanted definition: the compared fields, and the XML to define when they differ. */
interface Desired {
  before: FieldView;
  after: FieldView;
  /** Undefined when the defined network already has every wanted field. */
  define?: string;
}

function differs(before: FieldView, after: FieldView): boolean {
  return Object.entries(after).some(([key, value]) => before[key] !== value);
}

function definedValues(keys: string[], valueOf: (key: string) => string | undefined): FieldView {
  const view: FieldView = {};
  for (const key of keys) {
    const value = valueOf(key);
    if (value !== undefined) view[key] = value;
  }
  return view;
}

/** xml: every attribute and text the given XML sets must be in the definition (libvirt's own additions are not drift). */
function desiredFromXml(args: VirtNetArgs, defined: XmlElement | undefined): Desired {
  const given = parseXml(args.xml ?? '', 'network', 'xml');
  const givenName = text(child(given, 'name'));
  if (givenName !== undefined && givenName !== args.name) throw new ModuleFailure(`xml defines network '${givenName}', but name is '${args.name}'`);
  if (givenName === undefined) given.name = [textElement(args.name)];
  const after: FieldView = Object.fromEntries(xmlFields(given));
  const before = defined === undefined ? {} : definedValues(Object.keys(after), (key) => xmlFieldValue(defined, key));
  if (defined !== undefined && !differs(before, after)) return { before, after };
  // Redefining needs the network's uuid: libvirt refuses a same-name definition with another one.
  const uuid = text(child(defined, 'uuid'));
  if (uuid !== undefined && child(given, 'uuid') === undefined) given.uuid = [textElement(uuid)];
  return { before, after, define: buildXml('network', given) };
}

function desiredFromFields(args: VirtNetArgs, defined: XmlElement | undefined): Desired {
  const fields: NetworkFields = { forward: args.forward ?? 'nat' };
  for (const name of NETWORK_FIELD_NAMES) if (args[name] !== undefined) fields[name] = args[name];
  const after: FieldView = { ...fields };
  const current = networkFields(defined);
  const before = defined === undefined ? {} : definedValues(Object.keys(after), (key) => current[key as keyof NetworkFields]);
  if (defined !== undefined && !differs(before, after)) return { before, after };
  return { before, after, define: buildXml('network', withNetworkFields(defined, args.name, fields)) };
}

function removal(args: VirtNetArgs, found: NetworkState, label: string, connection: Connection): Plan {
  if (!found.defined) return { changed: false, result: { name: args.name, state: 'absent' } };
  const network = `--network=${args.name}`;
  const steps = [
    ...(found.active ? [virshStep(args.uri, 'net-destroy', [network])] : []),
    ...(found.persistent ? [virshStep(args.uri, 'net-undefine', [network])] : []),
  ];
  return {
    changed: true,
    diff: [viewDiff(label, { state: found.active ? 'active' : 'inactive' }, { state: 'absent' })],
    result: { name: args.name, state: 'absent' },
    apply: applySteps(connection, steps),
  };
}

export default defineModule<VirtNetArgs, NetworkState>({
  name: 'virt_net',
  examples: `
- name: A NAT network for the VMs
  betif.platform.virt_net:
    name: cluster
    bridge: virbr10
    forward: nat
    ip: 192.168.100.1
    netmask: 255.255.255.0
    dhcp_start: 192.168.100.100
    dhcp_end: 192.168.100.200
    state: active
    autostart: true
`,
  returns: {
    name: { type: 'str', returned: 'always', description: 'The network name.' },
    state: { type: 'str', returned: 'always', description: "The network's state after the task." },
  },
  namespace: 'betif.platform',
  schema: {
    description: "Defines, starts and autostarts a libvirt network, from its settings or XML (betif-play's own module).",
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^[^\\x00-\\x1f]+$', description: 'The libvirt network name.' },
      xml: { type: 'string', minLength: 1, description: 'The whole network definition as XML, instead of the settings below.' },
      bridge: { type: 'string', minLength: 1, description: 'The Linux bridge the network creates.' },
      forward: { enum: ['nat', 'route', 'open', 'bridge', 'none'], description: 'How traffic leaves the network (nat, route, open, bridge, none).' },
      ip: { ...IPV4, description: "The host's address on the network." },
      netmask: { ...IPV4, description: 'The network mask of ip.' },
      dhcp_start: { ...IPV4, description: 'The first address handed out by DHCP.' },
      dhcp_end: { ...IPV4, description: 'The last address handed out by DHCP.' },
      state: { enum: ['present', 'active', 'absent'], default: 'present', description: 'Whether the network is defined (present), defined and active, or removed (absent).' },
      autostart: { type: 'boolean', description: 'Whether the network starts when libvirt starts.' },
      uri: { type: 'string', minLength: 1, default: 'qemu:///system', description: 'The libvirt connection URI.' },
    },
    required: ['name'],
    dependencies: { netmask: ['ip'], dhcp_start: ['ip', 'dhcp_end'], dhcp_end: ['ip', 'dhcp_start'] },
    additionalProperties: false,
  },

  async read(ctx, args) {
    const fields = NETWORK_FIELD_NAMES.filter((name) => args[name] !== undefined);
    if (args.xml !== undefined && fields.length > 0) {
      throw new ModuleFailure(`xml and ${fields.join(', ')} are mutually exclusive: give the whole definition as xml, or the fields`);
    }
    return readNetwork(ctx.connection, args.uri, args.name);
  },

  plan(args, found, ctx) {
    const label = `network ${args.name} (${args.uri})`;
    if (args.state === 'absent') return removal(args, found, label, ctx.connection);
    const defined = found.xml === undefined ? undefined : parseXml(found.xml, 'network', `the definition of network ${args.name}`);
    const desired = args.xml !== undefined ? desiredFromXml(args, defined) : desiredFromFields(args, defined);
    const network = `--network=${args.name}`;
    const activeAfter = args.state === 'active' || (found.active ?? false);
    const autostartAfter = args.autostart ?? found.autostart ?? false;
    const steps = [
      ...(desired.define !== undefined ? [virshXmlStep(args.uri, 'net-define', [], desired.define)] : []),
      ...(activeAfter && !found.active ? [virshStep(args.uri, 'net-start', [network])] : []),
      ...(autostartAfter !== (found.autostart ?? false) ? [virshStep(args.uri, 'net-autostart', [network, ...(autostartAfter ? [] : ['--disable'])])] : []),
    ];

    const showState = args.state === 'active' || !found.defined;
    const stateOf = (defined: boolean, active: boolean | undefined): string => (!defined ? 'absent' : active ? 'active' : 'inactive');
    const before: FieldView = {
      ...desired.before,
      ...(showState ? { state: stateOf(found.defined, found.active) } : {}),
      ...(args.autostart !== undefined && found.defined ? { autostart: found.autostart } : {}),
    };
    const after: FieldView = {
      ...desired.after,
      ...(showState ? { state: stateOf(true, activeAfter) } : {}),
      ...(args.autostart !== undefined ? { autostart: args.autostart } : {}),
    };
    const result: ModuleResult = { name: args.name, state: stateOf(true, activeAfter), autostart: autostartAfter };
    if (desired.define !== undefined && found.active) {
      result.msg = `network ${args.name} is active: its changed definition applies once it is restarted (virsh net-destroy, net-start)`;
    }
    return {
      changed: steps.length > 0,
      diff: steps.length > 0 ? [viewDiff(label, before, after)] : [],
      result,
      apply: applySteps(ctx.connection, steps),
    };
  },
});
