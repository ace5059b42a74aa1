import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { controllerAnsible, type ControllerAnsible } from './controller-ansible.js';

/** Where a task's module may come from besides betif-play's own modules. */
export interface ModuleSearch {
  /** Roles the task belongs to (their `library/` folders), innermost first. */
  roleDirs: string[];
  /** Folders of the playbooks being loaded (their `library/` and `collections/`). */
  playbookDirs: string[];
  /** The `collections:` keyword in force (play, block, task). */
  collections: string[];
}

/** A module found in the user's Ansible installation or beside the playbook. */
export interface FoundModule {
  /** Fully qualified name (ansible.legacy.NAME for a library module). */
  fqcn: string;
  path: string;
  /** Its place in the payload: ansible/modules/..., ansible_collections/ns/coll/plugins/modules/... */
  packagePath: string;
  /** For collection modules: the collection's folder (ansible_collections/ns/coll). */
  collectionDir?: string;
  /** A controller-side action plugin that runs this module in Ansible. */
  actionPlugin?: string;
}

export interface LookupFailure {
  looked: string[];
  /** A redirect or tombstone that ended the search with its own message. */
  reason?: string;
}

let injectedLibrary: string[] | undefined;

/** Module folders configured elsewhere (ansible.cfg `library`), searched after ANSIBLE_LIBRARY. */
export function setLibraryPaths(paths: string[]): void {
  injectedLibrary = paths;
}

function expand(path: string): string {
  return resolve(path.replace(/^~(?=$|\/)/, homedir()));
}

function pathList(value: string | undefined): string[] {
  return (value ?? '').split(':').filter(Boolean).map(expand);
}

function libraryDirs(search: ModuleSearch): string[] {
  return [
    ...search.roleDirs.map((role) => join(role, 'library')),
    ...search.playbookDirs.map((dir) => join(dir, 'library')),
    ...pathList(process.env.ANSIBLE_LIBRARY),
    ...(injectedLibrary ?? []).map(expand),
  ];
}

/** Folders holding an `ansible_collections` folder, in Ansible's order. */
function collectionRoots(search: ModuleSearch, ansible: ControllerAnsible | undefined): string[] {
  const configured = process.env.ANSIBLE_COLLECTIONS_PATH ?? process.env.ANSIBLE_COLLECTIONS_PATHS ?? '~/.ansible/collections:/usr/share/ansible/collections';
  const roots = [
    ...search.playbookDirs.map((dir) => join(dir, 'collections')),
    ...pathList(configured).map((path) => (basename(path) === 'ansible_collections' ? dirname(path) : path)),
    ...(ansible?.sysPath ?? []).filter((path) => !path.endsWith('.zip')),
  ];
  return [...new Set(roots)];
}

const runtimes = new Map<string, Record<string, unknown>>();

interface Routing {
  redirect?: string;
  tombstone?: { removal_version?: string; removal_date?: string; warning_text?: string };
}

const runtimeTexts = new Map<string, string>();

function moduleRouting(runtimeFile: string, name: string): Routing | undefined {
  let text = runtimeTexts.get(runtimeFile);
  if (text === undefined) {
    text = existsSync(runtimeFile) ? readFileSync(runtimeFile, 'utf8') : '';
    runtimeTexts.set(runtimeFile, text);
  }
  // ansible-core's routing table is large: parsed only when it mentions the name at all.
  if (!text.includes(`${name}:`)) return undefined;
  let runtime = runtimes.get(runtimeFile);
  if (!runtime) {
    try {
      runtime = (parse(text) as Record<string, unknown> | null) ?? {};
    } catch {
      runtime = {};
    }
    runtimes.set(runtimeFile, runtime);
  }
  const routing = (runtime.plugin_routing as Record<string, Record<string, Routing>> | undefined)?.modules?.[name];
  return routing && typeof routing === 'object' ? routing : undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const NOT_MODULES = /\.(pyc|pyo|ps1|psm1|yml|yaml|md|txt|rst|json)$/;

/** A module file in a library folder: NAME.py, NAME, or NAME.<ext> for other languages. */
function libraryFile(dir: string, name: string): string | undefined {
  for (const candidate of [`${name}.py`, name]) if (isFile(join(dir, candidate))) return join(dir, candidate);
  if (!existsSync(dir)) return undefined;
  const other = readdirSync(dir).find((file) => file.startsWith(`${name}.`) && !NOT_MODULES.test(file) && !file.slice(name.length + 1).includes('.'));
  return other && isFile(join(dir, other)) ? join(dir, other) : undefined;
}

class Finder {
  readonly looked: string[] = [];
  reason?: string;
  private readonly ansible = controllerAnsible();

  constructor(private readonly search: ModuleSearch) {}

  find(name: string): FoundModule | undefined {
    const parts = name.split('.');
    if (parts.length === 1) {
      for (const collection of this.search.collections) {
        const found = this.qualified(`${collection}.${name}`, 0);
        if (found) return found;
      }
      return this.legacy(name, 0);
    }
    return this.qualified(name, 0);
  }

  private qualified(fqcn: string, depth: number): FoundModule | undefined {
    const [namespace, collection, ...rest] = fqcn.split('.');
    const name = rest.join('.');
    if (!name) return undefined;
    if (namespace === 'ansible' && collection === 'legacy') return this.legacy(name, depth);
    if (namespace === 'ansible' && collection === 'builtin') return this.builtin(name, depth);
    for (const root of collectionRoots(this.search, this.ansible)) {
      const collectionDir = join(root, 'ansible_collections', namespace, collection);
      if (!existsSync(collectionDir)) {
        this.looked.push(collectionDir);
        continue;
      }
      const routed = this.follow(join(collectionDir, 'meta', 'runtime.yml'), name, fqcn, depth);
      if (routed !== undefined) return routed || undefined;
      const path = join(collectionDir, 'plugins', 'modules', ...name.split('.')) + '.py';
      this.looked.push(path);
      if (!isFile(path)) continue;
      const action = join(collectionDir, 'plugins', 'action', `${name.split('.').at(-1)}.py`);
      return {
        fqcn,
        path,
        packagePath: ['ansible_collections', namespace, collection, 'plugins', 'modules', ...name.split('.')].join('/') + '.py',
        collectionDir,
        ...(isFile(action) ? { actionPlugin: action } : {}),
      };
    }
    return undefined;
  }

  /**
   * A plugin_routing entry: the module it redirects to (false when the search ends with a reason,
   * undefined when there is no routing for the name).
   */
  private follow(runtimeFile: string, name: string, fqcn: string, depth: number): FoundModule | false | undefined {
    const routing = moduleRouting(runtimeFile, name);
    if (!routing) return undefined;
    if (routing.tombstone) {
      const when = routing.tombstone.removal_version ? `in version ${routing.tombstone.removal_version}` : routing.tombstone.removal_date ? `on ${routing.tombstone.removal_date}` : '';
      this.reason = `the module '${fqcn}' was removed${when ? ` ${when}` : ''}${routing.tombstone.warning_text ? `: ${routing.tombstone.warning_text}` : ''}`;
      return false;
    }
    if (!routing.redirect || depth > 5) return undefined;
    const target = routing.redirect.split('.').length === 1 ? `${fqcn.split('.').slice(0, 2).join('.')}.${routing.redirect}` : routing.redirect;
    return this.qualified(target, depth + 1) ?? false;
  }

  /** ansible.legacy: library folders first, then ansible-core's own modules. */
  private legacy(name: string, depth: number): FoundModule | undefined {
    for (const dir of libraryDirs(this.search)) {
      this.looked.push(join(dir, name));
      const path = libraryFile(dir, name);
      if (path) return { fqcn: `ansible.legacy.${name}`, path, packagePath: `ansible/modules/${name}.py` };
    }
    return this.builtin(name, depth);
  }

  private builtin(name: string, depth: number): FoundModule | undefined {
    if (!this.ansible) {
      this.looked.push('ansible-core (not installed on this controller)');
      return undefined;
    }
    const dir = this.ansible.packageDir;
    const path = join(dir, 'modules', `${name}.py`);
    this.looked.push(path);
    if (isFile(path)) {
      const action = join(dir, 'plugins', 'action', `${name}.py`);
      return { fqcn: `ansible.builtin.${name}`, path, packagePath: `ansible/modules/${name}.py`, ...(isFile(action) ? { actionPlugin: action } : {}) };
    }
    const routed = this.follow(join(dir, 'config', 'ansible_builtin_runtime.yml'), name, `ansible.builtin.${name}`, depth);
    return routed || undefined;
  }
}

/** Finds a module as Ansible does, or says where it looked. */
export function lookupModule(name: string, search: ModuleSearch): { found: FoundModule } | { failure: LookupFailure } {
  const finder = new Finder(search);
  const found = finder.find(name);
  if (found) return { found };
  return { failure: { looked: [...new Set(finder.looked)], ...(finder.reason ? { reason: finder.reason } : {}) } };
}

/** The folder of an installed collection (ansible_collections/ns/coll), first in search order. */
export function findCollectionDir(namespace: string, collection: string, search: ModuleSearch): string | undefined {
  return collectionRoots(search, controllerAnsible())
    .map((root) => join(root, 'ansible_collections', namespace, collection))
    .find((dir) => existsSync(dir));
}
