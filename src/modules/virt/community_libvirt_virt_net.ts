import { ModuleFailure, type Module, type ModuleContext, type ModuleResult } from '../contract.js';
import { adaptModule } from '../shared/adapt.js';
import { foldAliases, withAliases } from '../shared/arg-schema.js';
import { readNetworkFacts, readNetworkXml } from './lib/virt-net-facts.js';
import { listNetworks } from './lib/virt-net-list.js';
import virtNet from './virt_net.js';

interface CommunityVirtNetArgs {
  name?: string;
  state?: 'active' | 'present' | 'absent';
  command?: 'define' | 'create' | 'start' | 'undefine' | 'list_nets' | 'info' | 'facts' | 'get_xml';
  xml?: string;
  autostart?: boolean;
  uri: string;
}

const ALIASES = { name: ['network'] };

const PROPERTIES: Record<string, object> = {
  name: { type: 'string', minLength: 1, description: 'Name of the network being managed.' },
  state: { enum: ['active', 'present', 'absent'], description: 'present: defined; active: defined and started; absent: destroyed and undefined.' },
  command: {
    enum: ['define', 'create', 'start', 'undefine', 'list_nets', 'info', 'facts', 'get_xml'],
    description: 'define (from xml), create/start (start it), undefine (remove it), list_nets (the network names; with state active, only the active ones), info (every network\'s details as networks), facts (as the ansible_libvirt_networks fact; only the named network when name is given), get_xml (the named network\'s XML).',
  },
  xml: { type: 'string', minLength: 1, description: 'The network definition (libvirt XML), for command=define or state=present.' },
  autostart: { type: 'boolean', description: 'Start the network when the host boots.' },
  uri: { type: 'string', minLength: 1, default: 'qemu:///system', description: 'libvirt connection URI.' },
};

/** The state each command leaves the network in. */
const COMMAND_STATES = { define: 'present', create: 'active', start: 'active', undefine: 'absent' } as const;

const adapted = adaptModule(virtNet, {
  name: 'virt_net',
  examples: `
- name: Define a network from its XML and start it
  community.libvirt.virt_net:
    name: br_nat
    command: define
    xml: "{{ lookup('template', 'network.xml.j2') }}"

- name: Keep it active and autostarted
  community.libvirt.virt_net:
    name: br_nat
    state: active
    autostart: true
`,
  returns: {
    list_nets: { type: 'list', returned: 'command is list_nets', description: 'The network names.' },
    networks: { type: 'dict', returned: 'command is info', description: 'Each network by name: autostart, persistent, state, bridge, uuid, dhcp_leases, and forward_mode, domain, macaddress when its XML has them.' },
    ansible_facts: { type: 'dict', returned: 'command is facts', description: 'ansible_libvirt_networks: the networks as info returns them.' },
    get_xml: { type: 'str', returned: 'command is get_xml', description: "The network's XML as libvirt describes it." },
  },
  namespace: 'community.libvirt',
  schema: {
    type: 'object',
    description: 'Manages libvirt networks (community.libvirt.virt_net, run by betif-play natively with virsh).',
    properties: withAliases(PROPERTIES, ALIASES),
    additionalProperties: false,
  },
  toBase(args: Record<string, unknown>) {
    const net = foldAliases<CommunityVirtNetArgs>(args, ALIASES, PROPERTIES);
    if (net.name === undefined) throw new ModuleFailure('missing required argument: name');
    if (net.state === undefined && net.command === undefined && net.autostart === undefined) {
      throw new ModuleFailure('expected state or command parameter to be specified');
    }
    const state = net.command !== undefined ? COMMAND_STATES[net.command as keyof typeof COMMAND_STATES] : (net.state ?? 'present');
    return { name: net.name, xml: net.xml, state, autostart: net.autostart, uri: net.uri };
  },
  toResult: (result) => result,
});

type ReadCommand = 'list_nets' | 'info' | 'facts' | 'get_xml';
const READ_COMMANDS: readonly unknown[] = ['list_nets', 'info', 'facts', 'get_xml'];

/** The commands that only read, as the collection answers them: nothing about the network a name would change. */
async function readCommand(ctx: ModuleContext, args: Record<string, unknown>): Promise<ModuleResult> {
  const net = foldAliases<CommunityVirtNetArgs>(args, ALIASES, PROPERTIES);
  const command = net.command as ReadCommand;
  if (command === 'list_nets') return { list_nets: await listNetworks(ctx.connection, net.uri, net.state === 'active') };
  if (command === 'get_xml') {
    if (net.name === undefined) throw new ModuleFailure('command is get_xml but all of the following are missing: name');
    return { get_xml: await readNetworkXml(ctx.connection, net.uri, net.name) };
  }
  const only = command === 'facts' && net.name !== undefined ? [net.name] : [];
  const networks = await readNetworkFacts(ctx.connection, net.uri, only);
  return command === 'info' ? { networks } : { ansible_facts: { ansible_libvirt_networks: networks } };
}

export default {
  ...adapted,
  read: async (ctx, args) => (READ_COMMANDS.includes(args.command) ? readCommand(ctx, args) : adapted.read(ctx, args)),
  plan: (args, state, ctx) => (READ_COMMANDS.includes(args.command) ? { changed: false, result: state as ModuleResult } : adapted.plan(args, state, ctx)),
} as Module<Record<string, unknown>>;
