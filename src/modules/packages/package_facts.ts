import { defineModule, ModuleFailure } from '../contract.js';
import { listInstalled, type InstalledPackage, type PackageManagerName } from './lib/installed-packages.js';

interface PackageFactsArgs {
  manager: string | string[];
  strategy: 'first' | 'all';
}

/** The managers this module reads, in the order Ansible tries them for `auto`. */
const MANAGERS: PackageManagerName[] = ['rpm', 'apt'];

function requested(value: string | string[]): PackageManagerName[] {
  const names = (Array.isArray(value) ? value : value.split(',')).map((name) => name.trim().toLowerCase()).filter(Boolean);
  const expanded = names.flatMap((name) => (name === 'auto' ? MANAGERS : [name]));
  const unsupported = [...new Set(expanded.filter((name) => !MANAGERS.includes(name as PackageManagerName)))];
  if (unsupported.length) throw new ModuleFailure(`Unsupported package managers requested: ${unsupported.join(', ')}`);
  return [...new Set(expanded)] as PackageManagerName[];
}

/** ansible.builtin.package_facts: ansible_facts.packages, name -> the installed versions, from rpm or apt (dpkg). */
export default defineModule<PackageFactsArgs, Record<string, InstalledPackage[]>>({
  name: 'package_facts',
  examples: `
- name: Gather the package list
  ansible.builtin.package_facts:

- name: Say whether nginx is installed
  ansible.builtin.debug:
    msg: "nginx {{ ansible_facts.packages['nginx'][0].version }}"
  when: "'nginx' in ansible_facts.packages"
`,
  returns: {
    ansible_facts: { type: 'dict', returned: 'always', description: 'packages - for each package name a list of its installed versions (name, version, release, arch, source).' },
  },
  schema: {
    description: 'Gathers the installed packages into ansible_facts.packages.',
    type: 'object',
    properties: {
      manager: { type: ['string', 'array'], items: { type: 'string' }, default: ['auto'], description: "The package managers to ask (auto, rpm, apt); auto uses the host's." },
      strategy: { enum: ['first', 'all'], default: 'first', description: 'Whether the first manager found (first) or every one (all) is asked.' },
    },
    additionalProperties: false,
  },

  async read(ctx, args) {
    const managers = requested(args.manager);
    const { found, packages } = await listInstalled(ctx.connection, managers);
    if (found.length === 0) {
      throw new ModuleFailure(`Could not detect a supported package manager from the following list: [${managers.map((name) => `'${name}'`).join(', ')}], or the required Python library is not installed. Check warnings for details.`);
    }
    const used = args.strategy === 'first' ? found.slice(0, 1) : found;
    const byName: Record<string, InstalledPackage[]> = {};
    for (const manager of used) for (const pkg of packages.get(manager) ?? []) (byName[pkg.name] ??= []).push(pkg);
    return byName;
  },

  plan: (_args, packages) => ({ changed: false, result: { ansible_facts: { packages } } }),
});
