import { hasBuiltValidator, loadArgValidator, loadWantedArgValidator } from './args.js';
import type { Module } from './contract.js';
import { moduleEntries, type ModuleEntry } from './module-files.js';

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
  /**
   * The module a task names. One not imported yet is answered by a stand-in that carries only its names
   * (see isStandIn): a caller that needs the module itself reads again after importMissed.
   */
  find(name: string): Module | undefined;
  names(): string[];
  /** Imports the modules find() answered with a stand-in since the last call, and ajv if a reader wanted it; false when there was nothing to import. */
  importMissed(): Promise<boolean>;
}

const standIns = new WeakSet<Module>();

/** Whether find() answered with a stand-in: names only, no schema or code (only a first reading meets one). */
export function isStandIn(module: Module): boolean {
  return standIns.has(module);
}

/** Every name a task may use for each module: short name, FQCN, aliases, routed old short names. */
function namesOf(entries: ModuleEntry[]): Map<string, ModuleEntry> {
  const byName = new Map<string, ModuleEntry>();
  for (const entry of entries) {
    const namespace = entry.namespace ?? 'ansible.builtin';
    const shortName = SHORT_NAME_COLLECTIONS.has(namespace) ? [entry.name] : [];
    for (const name of [...shortName, `${namespace}.${entry.name}`, ...(entry.aliases ?? [])]) byName.set(name, entry);
  }
  for (const entry of entries) {
    const fqcn = `${entry.namespace ?? 'ansible.builtin'}.${entry.name}`;
    if (ROUTED_SHORT_NAMES.has(fqcn) && !byName.has(entry.name)) byName.set(entry.name, entry);
  }
  return byName;
}

/** A registry of these modules, each imported when a task first names it (`imported` holds those already in). */
export function moduleRegistry(entries: ModuleEntry[], imported = new Map<ModuleEntry, Module>()): ModuleRegistry {
  const byName = namesOf(entries);
  const standInFor = new Map<ModuleEntry, Module>();
  const missed = new Set<ModuleEntry>();
  return {
    find(name) {
      const entry = byName.get(name);
      if (!entry) return undefined;
      const module = imported.get(entry);
      if (module) return module;
      missed.add(entry);
      let standIn = standInFor.get(entry);
      if (!standIn) {
        standIn = { name: entry.name, namespace: entry.namespace, aliases: entry.aliases, schema: {} } as Module;
        standIns.add(standIn);
        standInFor.set(entry, standIn);
      }
      return standIn;
    },
    names: () => [...byName.keys()],
    async importMissed() {
      const wanted = [...missed];
      missed.clear();
      const modules = await Promise.all(
        wanted.map(async (entry) => {
          const module = await entry.load();
          imported.set(entry, module);
          return module;
        }),
      );
      // A module's arguments are checked as soon as it is imported: ajv comes with the first one that has no validator built in.
      const validator = modules.some((module) => !hasBuiltValidator(module)) ? await loadArgValidator().then(() => true) : await loadWantedArgValidator();
      return wanted.length > 0 || validator;
    },
  };
}

/** Every module, imported now (the editor schemas, the docs). Adding a module is adding a file. */
export async function loadModules(): Promise<ModuleRegistry> {
  const entries = await moduleEntries();
  const [modules] = await Promise.all([Promise.all(entries.map((entry) => entry.load())), loadArgValidator()]);
  return moduleRegistry(entries, new Map(entries.map((entry, index) => [entry, modules[index]])));
}

/** The modules by name, each imported only once a task names it (a run imports the few it uses). */
export async function moduleIndex(): Promise<ModuleRegistry> {
  return moduleRegistry(await moduleEntries());
}

/**
 * Runs a synchronous reader that looks modules up (a playbook, an included file) until it met no stand-in:
 * the first reading finds which modules it names, they are imported, and the next reading validates with them.
 */
export async function withModules<T>(registry: ModuleRegistry, read: () => T): Promise<T> {
  for (;;) {
    let result: T;
    try {
      result = read();
    } catch (error) {
      // The error may come from a stand-in: it stands only if the reading used real modules throughout.
      if (await registry.importMissed()) continue;
      throw error;
    }
    if (!(await registry.importMissed())) return result;
  }
}
