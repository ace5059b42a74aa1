import { gatherFacts } from '../../facts/gather.js';
import { defineModule, ModuleFailure, type Module, type ModuleContext } from '../contract.js';
import apt from './apt.js';
import dnf from './dnf.js';
import { planAs, readAs, type Delegated } from './lib/delegate.js';
import yum from './yum.js';

interface PackageArgs {
  name: string | string[];
  state: string;
  use: string;
  [forwarded: string]: unknown;
}

/** The package managers with a module here, by Ansible's pkg_mgr fact. */
const MODULES: Record<string, Module> = { apt, dnf, yum };

/** ansible_facts.pkg_mgr, gathered now when the play did not gather facts (as Ansible's package action does). */
async function packageManager(ctx: ModuleContext): Promise<string> {
  const facts = ctx.vars.ansible_facts as Record<string, unknown> | undefined;
  const known = facts?.pkg_mgr;
  if (typeof known === 'string' && known !== 'auto') return known;
  return String((await gatherFacts(ctx.connection, { gatherSubset: ['!all', '!min', 'pkg_mgr'] })).facts.pkg_mgr ?? 'auto');
}

/** ansible.builtin.package: the host's own package module (apt, dnf, yum), with the task's arguments but `use`. */
export default defineModule<PackageArgs, Delegated>({
  name: 'package',
  examples: `
- name: Install chrony on any distribution
  ansible.builtin.package:
    name: chrony
    state: present
`,
  returns: {
  },
  schema: {
    description: "Installs or removes packages with the host's package manager (apt, dnf or yum), as the package module does.",
    type: 'object',
    properties: {
      name: { type: ['string', 'array'], items: { type: 'string' }, description: 'The packages to manage (one or a list).' },
      state: { type: 'string', minLength: 1, description: 'Whether the packages are present, latest or absent (what the package manager accepts).' },
      use: { type: 'string', minLength: 1, default: 'auto', description: 'The package manager module to use; auto picks it from the facts.' },
    },
    required: ['name', 'state'],
    additionalProperties: true,
  },

  async read(ctx, args) {
    const { use, ...forwarded } = args;
    const manager = use === 'auto' ? await packageManager(ctx) : use;
    if (manager === 'auto' || manager === 'unknown') throw new ModuleFailure('Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
    const module = MODULES[manager];
    if (!module) throw new ModuleFailure(`Could not find a module for ${manager}.`);
    return readAs(module, forwarded, ctx);
  },

  plan: (_args, delegated, ctx) => planAs(delegated, ctx),
});
