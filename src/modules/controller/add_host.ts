import { defineModule, ModuleFailure } from '../contract.js';

type AddHostArgs = Record<string, unknown>;

const NAME_OPTIONS = ['name', 'hostname', 'host'];
const GROUP_OPTIONS = ['groupname', 'groups', 'group'];
/** As Ansible's action, every argument but these is a variable of the host (`host` and `group` too). */
const NOT_VARIABLES = new Set(['name', 'hostname', 'groupname', 'groups']);

function groupList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return [...new Set(value.map((group) => String(group).trim()))];
  if (typeof value === 'string') return [...new Set(value.split(',').map((group) => group.trim()))];
  throw new ModuleFailure('Groups must be specified as a list.');
}

/** `name:port` as Ansible's parse_address splits it (an IPv6 address in brackets keeps its colons). */
function hostAndPort(written: string): { name: string; port?: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(written);
  return match ? { name: match[1] ?? match[2], port: Number(match[3]) } : { name: written };
}

export default defineModule<AddHostArgs, void>({
  name: 'add_host',
  examples: `
- name: Add the new machine to the inventory of this run
  ansible.builtin.add_host:
    name: "{{ new_ip }}"
    groups: [web]
    ansible_user: admin
`,
  returns: {
    add_host: { type: 'dict', returned: 'always', description: 'The host added: host_name, groups and host_vars.' },
  },
  controllerOnly: true,
  bypassHostLoop: true,
  schema: {
    description: "Adds a host (and groups) to the run's inventory, for the plays after this one; the other arguments are its variables.",
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The host name, optionally with :port (also hostname or host).' },
      groups: { type: ['array', 'string'], items: { type: 'string' }, description: 'The groups the host joins, a list or comma-separated (also groupname or group).' },
    },
    additionalProperties: true,
  },

  async read() {},

  plan(args, _state, ctx) {
    const written = NAME_OPTIONS.map((option) => args[option]).find((value) => value !== undefined && value !== null);
    if (written === undefined) throw new ModuleFailure('name, host or hostname needs to be provided');
    const { name, port } = hostAndPort(String(written));
    const groups = groupList(GROUP_OPTIONS.map((option) => args[option]).find((value) => value !== undefined));
    const vars = Object.fromEntries(Object.entries(args).filter(([key]) => !NOT_VARIABLES.has(key)));
    if (port !== undefined) vars.ansible_ssh_port = port;
    if (!ctx.addHost) throw new ModuleFailure('add_host needs a playbook run');
    const changed = ctx.addHost(name, groups, vars);
    return { changed, result: { add_host: { host_name: name, groups, host_vars: vars } } };
  },
});
