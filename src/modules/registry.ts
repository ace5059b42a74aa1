import type { Module } from './contract.js';
import { importModules } from './module-files.js';

/** Collections whose modules are also found by their short name (others need their FQCN or `collections:`). */
const SHORT_NAME_COLLECTIONS = new Set(['ansible.builtin', 'betif.platform']);

/**
 * Collection modules that ansible-core 2.14 still finds by their old short name (its ansible_builtin_runtime.yml
 * redirects `sysctl` to ansible.posix.sysctl ...): public roles call them that way. A short name betif-play's own
 * modules use (virt_net) stays theirs.
 */
const ROUTED_SHORT_NAMES = new Set([
  'ansible.posix.authorized_key', 'ansible.posix.mount', 'ansible.posix.synchronize', 'ansible.posix.sysctl', 'community.general.ini_file',
  'community.general.kernel_blacklist', 'community.general.modprobe', 'community.general.pam_limits',
  'community.libvirt.virt', 'community.libvirt.virt_net', 'kubernetes.core.k8s',
]);

export interface ModuleRegistry {
  find(name: string): Module | undefined;
  names(): string[];
}

/** Loads every module file once: adding a module is adding a file. */
export async function loadModules(): Promise<ModuleRegistry> {
  const modules = await importModules();
  const byName = new Map<string, Module>();
  for (const module of modules) {
    const namespace = module.namespace ?? 'ansible.builtin';
    const shortName = SHORT_NAME_COLLECTIONS.has(namespace) ? [module.name] : [];
    for (const name of [...shortName, `${namespace}.${module.name}`, ...(module.aliases ?? [])]) byName.set(name, module);
  }
  for (const module of modules) {
    const fqcn = `${module.namespace ?? 'ansible.builtin'}.${module.name}`;
    if (ROUTED_SHORT_NAMES.has(fqcn) && !byName.has(module.name)) byName.set(module.name, module);
  }
  return {
    find: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}
