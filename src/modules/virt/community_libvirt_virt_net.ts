import { ModuleFailure, type Module } from '../contract.js';
import { adaptModule } from '../shared/adapt.js';
import { foldAliases, withAliases } from '../shared/arg-schema.js';
import { listNetworks } from './lib/virt-net-list.js';
import virtNet from './virt_net.js';

interface CommunityVirtNetArgs {
  name?: string;
  state?: 'active' | 'present' | 'absent';
  command?: 'define' | 'create' | 'start' | 'undefine' | 'list_nets';
  xml?: string;
  autostart?: boolean;
  uri: string;
}

const ALIASES = { name: ['network'] };

const PROPERTIES: Record<string, object> = {
  name: { type: 'string', minLength: 1, description: 'Name of the network being managed.' },
  state: { enum: ['active', 'present', 'absent'], description: 'present: defined; active: defined and started; absent: destroyed and undefined.' },
  command: { enum: ['define', 'create', 'start', 'undefine', 'list_nets'], description: 'define (from xml), create/start (start it), undefine (remove it), list_nets (the network names; with state active, only the active ones).' },
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

/** command: list_nets only reads: the names, without the network a name would need. */
export default {
  ...adapted,
  read: async (ctx, args) => (args.command === 'list_nets' ? listNetworks(ctx.connection, String(args.uri), args.state === 'active') : adapted.read(ctx, args)),
  plan: (args, state, ctx) => (args.command === 'list_nets' ? { changed: false, result: { list_nets: state } } : adapted.plan(args, state, ctx)),
} as Module<Record<string, unknown>>;
