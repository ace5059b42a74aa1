import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { collectionsOf } from './module-defaults.js';
import type { Role, RoleFiles } from './types.js';
import { keyPositionOf, loadYamlFile, PlaybookError, type Position } from './source.js';
import { checkTemplatesInFile } from './template-check.js';

/** A role reference as written in `roles:`, meta dependencies, or import_role/include_role. */
export interface RoleReference {
  name: string;
  params: Record<string, unknown>;
  /** The `vars:` of a `roles:` entry or import_role task. */
  vars?: Record<string, unknown>;
  /** Parameters written on the role entry itself (`- {role: x, port: 80}`): checked against its argument spec. */
  arguments?: Record<string, unknown>;
  /** import_role/include_role's `vars_from` and `defaults_from`: the files read in place of vars/main and defaults/main. */
  from?: RoleFiles;
  position: Position | undefined;
}


/** Folders searched for roles, in order: beside the playbook, then BETIF_ROLES_PATH / ANSIBLE_ROLES_PATH. */
export function roleSearchPath(playbookDir: string): string[] {
  const fromEnvironment = (process.env.BETIF_ROLES_PATH ?? process.env.ANSIBLE_ROLES_PATH ?? '').split(':').filter(Boolean);
  return [join(playbookDir, 'roles'), ...fromEnvironment.map((path) => resolve(path)), playbookDir];
}

export function mainFile(folder: string, name = 'main'): string | undefined {
  return [`${name}.yml`, `${name}.yaml`, name].map((file) => join(folder, file)).find((path) => existsSync(path));
}

function loadMapping(path: string | undefined, what: string): Record<string, unknown> {
  if (!path) return {};
  const data = loadYamlFile(path);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new PlaybookError(`${what} must be a mapping`, { file: path, line: 1, column: 1 });
  return data as Record<string, unknown>;
}

/** As Ansible's RoleDefinition, the first folder of that name is the role, whatever it holds (defaults only, say). */
function rolePath(name: string, searchPath: readonly string[]): string | undefined {
  const candidates = isAbsolute(name) ? [name] : searchPath.map((folder) => join(folder, name));
  return candidates.find((path) => existsSync(path) && statSync(path).isDirectory());
}

export function roleExists(name: string, searchPath: readonly string[]): boolean {
  return rolePath(name, searchPath) !== undefined;
}

export function findRolePath(name: string, searchPath: readonly string[], position: Position | undefined): string {
  const found = rolePath(name, searchPath);
  if (!found) throw new PlaybookError(`the role '${name}' was not found in ${searchPath.join(':')}`, position);
  return found;
}

/** A role, loaded where `parent` (the role whose tasks or meta name it) brings it in, if any. */
export function loadRole(reference: RoleReference, searchPath: readonly string[], parent?: Role): Role {
  const path = findRolePath(reference.name, searchPath, reference.position);
  const defaults = loadMapping(mainFile(join(path, 'defaults'), reference.from?.defaults), `defaults of role ${reference.name}`);
  const vars = loadMapping(mainFile(join(path, 'vars'), reference.from?.vars), `vars of role ${reference.name}`);
  checkTemplatesInFile(defaults);
  checkTemplatesInFile(vars);
  return {
    name: reference.name.split('/').pop() ?? reference.name,
    path,
    defaults,
    vars,
    entryVars: reference.vars ?? {},
    params: reference.params,
    collections: collectionsOf(loadMapping(mainFile(join(path, 'meta')), `meta of role ${reference.name}`).collections),
    parents: parent ? [...(parent.parents ?? []), parent] : [],
  };
}

/**
 * A role's argument specs, by entry point (`main`, or a tasks_from name): meta/argument_specs.yml, else the
 * `argument_specs` of meta/main.yml.
 */
export function roleArgumentSpecs(role: Role): Record<string, Record<string, unknown>> {
  const own = mainFile(join(role.path, 'meta'), 'argument_specs');
  const data = own ? loadMapping(own, `argument specs of role ${role.name}`) : loadMapping(mainFile(join(role.path, 'meta')), `meta of role ${role.name}`);
  const specs = data.argument_specs ?? {};
  const where = { file: own ?? join(role.path, 'meta', 'main.yml'), line: 1, column: 1 };
  if (typeof specs !== 'object' || Array.isArray(specs) || specs === null) throw new PlaybookError(`argument_specs of role ${role.name} must be a mapping`, where);
  for (const [entry, spec] of Object.entries(specs)) {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new PlaybookError(`argument spec '${entry}' of role ${role.name} must be a mapping`, where);
  }
  return specs as Record<string, Record<string, unknown>>;
}

/** meta/main.yml's `allow_duplicates`: whether the role runs again where it is listed again with the same parameters. */
export function roleAllowsDuplicates(role: Role): boolean {
  const value = loadMapping(mainFile(join(role.path, 'meta')), `meta of role ${role.name}`).allow_duplicates;
  return typeof value === 'string' ? ['yes', 'true', 'on', '1', 'y'].includes(value.toLowerCase()) : value === true;
}

export function roleDependencies(role: Role): unknown[] {
  const meta = loadMapping(mainFile(join(role.path, 'meta')), `meta of role ${role.name}`);
  const dependencies = meta.dependencies ?? [];
  if (!Array.isArray(dependencies)) throw new PlaybookError(`dependencies of role ${role.name} must be a list`, keyPositionOf(meta, 'dependencies'));
  return dependencies;
}

/** The role's `collections:` in meta/main.yml: where its short module names are looked up (a play's are not inherited). */
export function roleCollections(role: Role): string[] {
  const meta = loadMapping(mainFile(join(role.path, 'meta')), `meta of role ${role.name}`);
  return Array.isArray(meta.collections) ? meta.collections.map(String) : [];
}
