import { isTemplateText } from '../modules/args.js';
import type { ModuleDocs, OptionDoc } from './documentation.js';

const BOOLEANS = new Set(['yes', 'on', 'true', 'y', '1', 't', 'no', 'off', 'false', 'n', '0', 'f']);

function pythonType(value: unknown): string {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'NoneType';
  return 'dict';
}

/** Why VALUE cannot be the option's type, as Ansible's argument checks put it; undefined when it can. */
function typeProblem(name: string, option: OptionDoc, value: unknown): string | undefined {
  if (value === null || value === undefined || isTemplateText(value)) return undefined;
  const type = option.type ?? 'str';
  const unable = (why: string) => `argument '${name}' is of type <class '${pythonType(value)}'> and we were unable to convert to ${type}: ${why}`;
  switch (type) {
    case 'bool':
      if (typeof value === 'boolean' || value === 0 || value === 1) return undefined;
      if (typeof value === 'string' && BOOLEANS.has(value.toLowerCase())) return undefined;
      return unable(`The value '${String(value)}' is not a valid boolean.`);
    case 'int':
      if (Number.isInteger(value) || (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value))) return undefined;
      return unable(`<class '${pythonType(value)}'> cannot be converted to an int`);
    case 'float':
      if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))) return undefined;
      return unable(`<class '${pythonType(value)}'> cannot be converted to a float`);
    case 'dict':
      if (pythonType(value) === 'dict' || typeof value === 'string') return undefined;
      return unable(`<class '${pythonType(value)}'> cannot be converted to a dict`);
    case 'list':
      if (typeof value === 'object' && !Array.isArray(value)) return unable(`<class 'dict'> cannot be converted to a list`);
      return undefined;
    default:
      return undefined;
  }
}

function choiceProblem(name: string, option: OptionDoc, value: unknown): string | undefined {
  if (!Array.isArray(option.choices) || value === null || value === undefined || isTemplateText(value)) return undefined;
  const choices = option.choices;
  const values = option.type === 'list' ? (Array.isArray(value) ? value : String(value).split(',')) : [value];
  const matches = (item: unknown) => choices.some((choice) => choice === item || String(choice) === String(item) || (typeof choice === 'boolean' && typeof item === 'string' && BOOLEANS.has(item.toLowerCase())));
  const wrong = values.filter((item) => !isTemplateText(item) && !matches(item));
  if (wrong.length === 0) return undefined;
  const shown = option.type === 'list' ? wrong.join(', ') : String(value);
  return `value of ${name} must be ${option.type === 'list' ? 'one or more' : 'one'} of: ${choices.map(String).join(', ')}, got: ${shown}`;
}

/**
 * What Ansible's argument checks on the host would reject in a task's arguments, found before any host is
 * contacted: unknown names, missing required options, bad choices and types (templated values are not judged).
 */
export function documentedArgProblems(moduleName: string, docs: ModuleDocs, args: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const canonical = new Map<string, string>();
  for (const [name, option] of Object.entries(docs.options)) {
    canonical.set(name, name);
    for (const alias of option.aliases ?? []) canonical.set(alias, name);
  }
  const given = Object.keys(args).filter((key) => !key.startsWith('_ansible_'));
  const unknown = given.filter((key) => !canonical.has(key));
  if (unknown.length > 0 && docs.complete) {
    const supported = Object.entries(docs.options)
      .map(([name, option]) => (option.aliases?.length ? `${name} (${option.aliases.join(', ')})` : name))
      .sort();
    problems.push(`Unsupported parameters for (${moduleName}) module: ${unknown.sort().join(', ')}. Supported parameters include: ${supported.join(', ')}.`);
  }
  const present = new Set(given.map((key) => canonical.get(key)).filter(Boolean));
  const missing = Object.entries(docs.options).filter(([name, option]) => option.required && !present.has(name)).map(([name]) => name);
  if (missing.length > 0) problems.push(`missing required arguments: ${missing.sort().join(', ')}`);
  for (const key of given) {
    const name = canonical.get(key);
    if (!name) continue;
    const option = docs.options[name];
    const problem = typeProblem(key, option, args[key]) ?? choiceProblem(key, option, args[key]);
    if (problem) problems.push(problem);
  }
  return problems;
}
