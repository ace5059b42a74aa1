import { controllerPython } from '../python/controller-python.js';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { InventoryModel } from './model.js';
import { mergeHostVars } from './host-vars.js';
import { LOCALHOST_NAMES, selectHosts, unmatchedParts } from './patterns.js';
import { readSources, varsBaseDir } from './sources.js';
import type { Inventory, LoadOptions } from './types.js';
import { loadVarsDir, type Vars, type VarsDir } from './vars-dirs.js';

export { InventoryError } from './errors.js';
export type { Inventory, LoadOptions } from './types.js';

/**
 * Loads inventory sources like `ansible -i SRC -i SRC ...`: each an INI or YAML file, a folder of them, or a
 * comma-separated host list ("web1,web2:2222,"). Later sources add to and override earlier ones. The group_vars/
 * and host_vars/ beside each source and beside options.playbookDir are read too.
 */
export async function loadInventory(sources: string[], options: LoadOptions = {}): Promise<Inventory> {
  return new LoadedInventory(await readInventory(sources, options), () => readInventory(sources, options));
}

/** What the sources and the vars folders beside them hold. */
interface InventoryRead {
  model: InventoryModel;
  inventoryDirs: readonly VarsDir[];
  playbookDir: VarsDir | undefined;
  warnings: readonly string[];
}

async function readInventory(sources: string[], options: LoadOptions): Promise<InventoryRead> {
  const model = new InventoryModel();
  const warnings: string[] = [];
  await readSources(model, sources, warnings);
  warnings.push(...model.reconcile());

  const hostNames = [...model.hosts.keys(), ...LOCALHOST_NAMES];
  const dirs = new Map<string, VarsDir>();
  const varsDir = async (base: string) => {
    if (!dirs.has(base)) dirs.set(base, loadVarsDir(base, model.groups.keys(), hostNames, warnings));
    return dirs.get(base)!;
  };
  const inventoryDirs: VarsDir[] = [];
  for (const source of sources) {
    const base = await varsBaseDir(source);
    if (base !== undefined) inventoryDirs.push(await varsDir(base));
  }
  const playbookDir = options.playbookDir === undefined ? undefined : await varsDir(resolve(options.playbookDir));
  return { model, inventoryDirs, playbookDir, warnings };
}

/** A change add_host or group_by made, kept to be made again after a refresh. */
type DynamicChange = { kind: 'host'; name: string; groups: readonly string[]; vars: Record<string, unknown> } | { kind: 'group'; host: string; group: string; parents: readonly string[] };

/** The variables of Ansible's implicit localhost: a local connection, the controller's Python. */
function implicitLocalhostVars(): Record<string, unknown> {
  return { ansible_connection: 'local', ansible_python_interpreter: controllerPython() };
}

class LoadedInventory implements Inventory {
  private readonly mergedVars = new Map<string, Vars>();
  private readonly groupHosts = new Map<string, string[]>();
  revision = 0;
  /** Ansible's "localhost": the first localhost-like inventory host, else an implicit one made on first mention. */
  private localhost: string | undefined;
  private model: InventoryModel;
  private inventoryDirs: readonly VarsDir[];
  private playbookDir: VarsDir | undefined;
  warnings: readonly string[];
  /** What add_host and group_by changed, in order: a refresh makes it again on the sources as they are then. */
  private readonly dynamic: DynamicChange[] = [];

  constructor(
    read: InventoryRead,
    private readonly reread: () => Promise<InventoryRead>,
  ) {
    ({ model: this.model, inventoryDirs: this.inventoryDirs, playbookDir: this.playbookDir, warnings: this.warnings } = read);
    this.localhost = [...this.model.hosts.keys()].find((host) => LOCALHOST_NAMES.includes(host));
  }

  async refresh(): Promise<void> {
    ({ model: this.model, inventoryDirs: this.inventoryDirs, playbookDir: this.playbookDir, warnings: this.warnings } = await this.reread());
    this.localhost = [...this.model.hosts.keys()].find((host) => LOCALHOST_NAMES.includes(host));
    const changes = this.dynamic.splice(0);
    for (const change of changes) {
      if (change.kind === 'host') this.addHost(change.name, change.groups, change.vars);
      // A host the sources no longer have leaves its dynamic groups too.
      else if (this.model.hosts.has(change.host) || LOCALHOST_NAMES.includes(change.host)) this.addToGroup(change.host, change.group, change.parents);
    }
    this.changed();
  }

  hostNames(): string[] {
    return this.hostsOf('all');
  }

  groupNames(): string[] {
    return [...this.model.groups.keys()];
  }

  groupsOf(host: string): string[] {
    return this.model.hosts.has(host) ? this.model.groupsOf(host) : [];
  }

  hostsOf(group: string): string[] {
    let hosts = this.groupHosts.get(group);
    if (hosts === undefined) {
      hosts = this.model.hostsOf(group);
      this.groupHosts.set(group, hosts);
    }
    return [...hosts];
  }

  hostVars(host: string): Record<string, unknown> {
    let vars = this.mergedVars.get(host);
    if (vars === undefined) {
      // The implicit localhost is in no group but still gets the vars of 'all', as in Ansible.
      const own = this.model.hosts.get(host)?.vars ?? (LOCALHOST_NAMES.includes(host) ? implicitLocalhostVars() : undefined);
      if (own === undefined) return {};
      vars = mergeHostVars(this.model, host, own, this.inventoryDirs, this.playbookDir);
      this.mergedVars.set(host, vars);
    }
    return structuredClone(vars);
  }

  /** The parts of a host pattern that match nothing (each one a warning, as Ansible's). */
  unmatched(pattern: string): string[] {
    return unmatchedParts(this.model, pattern);
  }

  select(pattern: string): string[] {
    return selectHosts(this.model, pattern, (name) => (this.localhost ??= name));
  }

  addHost(name: string, groups: readonly string[], vars: Record<string, unknown>): boolean {
    this.dynamic.push({ kind: 'host', name, groups, vars });
    const { model } = this;
    const known = model.hosts.has(name);
    // As Ansible's add_dynamic_host: a new host joins 'all' (reconcile then puts it in 'ungrouped' if it has no other group).
    if (!known) model.addHost(name, 'all', undefined, { file: null, dir: null });
    const host = model.hosts.get(name)!;
    let changed = !known;
    for (const [key, value] of Object.entries(vars)) {
      if (isDeepStrictEqual(host.vars[key], value)) continue;
      host.vars[key] = value;
      changed = true;
    }
    for (const group of groups) {
      if (host.groups.has(group)) continue;
      model.addGroup(group);
      model.addHost(name, group, undefined, { file: null, dir: null });
      changed = true;
    }
    if (changed) this.changed();
    return changed;
  }

  addToGroup(name: string, group: string, parents: readonly string[]): boolean {
    this.dynamic.push({ kind: 'group', host: name, group, parents });
    const { model } = this;
    if (!model.hosts.has(name)) {
      if (!LOCALHOST_NAMES.includes(name)) throw new Error(`${name} cannot be matched in inventory`);
      // The implicit localhost joins the group as itself, local connection and all (Ansible's inventory.localhost).
      model.addHost(name, undefined, undefined, { file: null, dir: null });
      Object.assign(model.hosts.get(name)!.vars, implicitLocalhostVars());
    }
    // As Ansible's add_dynamic_group: making the group is no change by itself; new parents, new links and the host joining are.
    model.addGroup(group);
    let changed = false;
    for (const parent of parents) {
      if (!model.groups.has(parent)) {
        model.addGroup(parent);
        changed = true;
      }
      if (!model.groups.get(parent)!.children.includes(group)) {
        model.addChild(parent, group);
        changed = true;
      }
    }
    if (!model.hosts.get(name)!.groups.has(group)) {
      model.addHost(name, group, undefined, { file: null, dir: null });
      changed = true;
    }
    if (changed) this.changed();
    return changed;
  }

  private changed(): void {
    this.revision += 1;
    this.model.reconcile();
    this.mergedVars.clear();
    this.groupHosts.clear();
  }
}
