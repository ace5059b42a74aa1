import type { Module, ReturnDoc } from '../modules/contract.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { aliasedArgument } from '../modules/shared/arg-schema.js';

type Schema = Record<string, unknown>;

/** One argument as ansible-doc shows it. */
export interface OptionDoc {
  name: string;
  description?: string;
  /** Ansible's type names (str, int, bool, list, dict, float), joined with " or " when several are accepted. */
  type?: string;
  /** The type of a list's elements. */
  elements?: string;
  required: boolean;
  default?: unknown;
  choices?: unknown[];
  aliases: string[];
}

/** Everything `betif-play doc` and docs/modules/ show of one module. */
export interface ModuleDoc {
  fqcn: string;
  /** Every name a task may use for it (short name, FQCN, other collections' FQCNs). */
  names: string[];
  summary?: string;
  options: OptionDoc[];
  examples?: string;
  returns: Record<string, ReturnDoc>;
}

const ANSIBLE_TYPES: Record<string, string> = { string: 'str', integer: 'int', boolean: 'bool', array: 'list', object: 'dict', number: 'float', null: 'null' };

export const fqcnOf = (module: Module): string => `${module.namespace ?? 'ansible.builtin'}.${module.name}`;

function jsonTypes(schema: Schema): string[] {
  if (schema.type !== undefined) return Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const alternatives = [...((schema.anyOf as Schema[] | undefined) ?? []), ...((schema.oneOf as Schema[] | undefined) ?? [])];
  if (alternatives.length > 0) return [...new Set(alternatives.flatMap(jsonTypes))];
  const values = (schema.enum as unknown[] | undefined) ?? (schema.const !== undefined ? [schema.const] : []);
  return [...new Set(values.map((value) => (typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'null')))];
}

function ansibleType(schema: Schema | undefined): string | undefined {
  if (!schema) return undefined;
  const types = jsonTypes(schema).filter((type) => type !== 'null').map((type) => ANSIBLE_TYPES[type] ?? type);
  return types.length > 0 ? types.join(' or ') : undefined;
}

/** Required names: `required`, and the "NAME unless one of its aliases" form of requiredWithAliases. */
function requiredNames(schema: Schema): Set<string> {
  const names = new Set<string>((schema.required as string[] | undefined) ?? []);
  for (const part of [schema, ...((schema.allOf as Schema[] | undefined) ?? [])]) {
    const condition = part.if as Schema | undefined;
    if (condition?.not) for (const name of ((part.then as Schema | undefined)?.required as string[] | undefined) ?? []) names.add(name);
  }
  return names;
}

function optionDocs(schema: Schema): OptionDoc[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = requiredNames(schema);
  const options: OptionDoc[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const alias = aliasedArgument(property);
    if (alias && alias.name !== name) continue;
    const items = property.items as Schema | undefined;
    options.push({
      name,
      description: property.description as string | undefined,
      type: ansibleType(property),
      elements: property.type === 'array' || jsonTypes(property).includes('array') ? ansibleType(items) : undefined,
      required: required.has(name),
      default: alias ? alias.default : property.default,
      choices: (property.enum as unknown[] | undefined) ?? (items?.enum as unknown[] | undefined),
      aliases: alias ? [...alias.aliases] : [],
    });
  }
  return options.sort((a, b) => a.name.localeCompare(b.name));
}

/** The names a task may use for each module, from the registry (one entry per module). */
export function namesByModule(registry: ModuleRegistry): Map<Module, string[]> {
  const names = new Map<Module, string[]>();
  for (const name of registry.names()) {
    const module = registry.find(name);
    if (module) names.set(module, [...(names.get(module) ?? []), name]);
  }
  return names;
}

export function moduleDoc(module: Module, names: string[]): ModuleDoc {
  return {
    fqcn: fqcnOf(module),
    names,
    summary: typeof module.schema.description === 'string' ? module.schema.description : undefined,
    options: optionDocs(module.schema),
    examples: module.examples?.trim(),
    returns: module.returns ?? {},
  };
}

/** Every module's documentation, sorted by FQCN. */
export function allModuleDocs(registry: ModuleRegistry): ModuleDoc[] {
  return [...namesByModule(registry)].map(([module, names]) => moduleDoc(module, names)).sort((a, b) => a.fqcn.localeCompare(b.fqcn));
}
