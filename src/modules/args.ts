import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { closest } from 'fastest-levenshtein';
import type { Module } from './contract.js';

/**
 * How module schemas are compiled, here and by the bundle (scripts/bundle.mjs), which compiles every module's
 * schema at build time into ajv's standalone code. The schemas are checked against JSON Schema's meta-schema by a
 * test (module-schemas), not on every start: compiling the meta-schema costs more than a run's own schemas.
 */
export const ARG_AJV_OPTIONS = { allErrors: true, useDefaults: true, strict: false, validateSchema: false };

let ajv: Ajv | undefined;
let ajvWanted = false;
const compiled = new WeakMap<Module, ValidateFunction>();

/** The module with its validator compiled at build time (the bundle's module index): validating its arguments needs no ajv. */
export function withBuiltValidator(module: Module, validate: ValidateFunction): Module {
  compiled.set(module, validate);
  return module;
}

/** Whether the module's arguments can be checked without ajv. */
export function hasBuiltValidator(module: Module): boolean {
  return compiled.has(module);
}

/**
 * Makes validateArgs ready for this module (for every module when none is given): its callers await this first.
 * ajv is loaded only for a module without a validator compiled at build time.
 */
export async function loadArgValidator(module?: Module): Promise<void> {
  if (ajv || (module && compiled.has(module))) return;
  // ajv is CommonJS: its module.exports (the Ajv class) is the default export under Node and in the bundle alike.
  const AjvClass = (await import('ajv')).default as unknown as typeof Ajv;
  ajv ??= new AjvClass(ARG_AJV_OPTIONS);
}

/** Whether validateArgs can run now for this module; when not, the next loadWantedArgValidator loads ajv (a synchronous reader's second reading, see withModules). */
export function argValidatorReady(module: Module): boolean {
  if (ajv || compiled.has(module)) return true;
  ajvWanted = true;
  return false;
}

/** Loads ajv when argValidatorReady said it was missing; false when nothing was wanted. */
export async function loadWantedArgValidator(): Promise<boolean> {
  if (!ajvWanted) return false;
  ajvWanted = false;
  await loadArgValidator();
  return true;
}

const TRUE_WORDS = new Set(['yes', 'on', 'true', 'y', '1']);
const FALSE_WORDS = new Set(['no', 'off', 'false', 'n', '0']);

/** Whether the value is still template text, or `!unsafe` text (a String object) that templating turns into plain text. */
function awaitsTemplating(value: unknown): boolean {
  return isTemplateText(value) || value instanceof String;
}

export function isTemplateText(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('{{') || value.includes('{%'));
}

function propertyTypes(schema: Record<string, unknown>, key: string): string[] {
  const properties = (schema.properties ?? {}) as Record<string, { type?: string | string[] }>;
  const type = properties[key]?.type;
  return type === undefined ? [] : Array.isArray(type) ? type : [type];
}

/** Ansible's loose typing of arguments: "yes" is a boolean, "3" an integer where the schema says so. */
function coerce(schema: Record<string, unknown>, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const [key, value] of Object.entries(out)) {
    const types = propertyTypes(schema, key);
    if (types.includes('boolean') && !types.includes('string') && typeof value === 'string') {
      const word = value.toLowerCase();
      if (TRUE_WORDS.has(word)) out[key] = true;
      else if (FALSE_WORDS.has(word)) out[key] = false;
    } else if ((types.includes('integer') || types.includes('number')) && !types.includes('string') && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) {
      out[key] = Number(value);
    } else if (types.includes('string') && !types.includes('number') && !types.includes('integer') && (typeof value === 'number' || typeof value === 'boolean')) {
      out[key] = String(value);
    }
  }
  return out;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cursor: unknown = data;
  for (const part of pointer.split('/').slice(1)) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = (cursor as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cursor;
}

function describe(error: ErrorObject, module: Module): string {
  const where = error.instancePath ? `argument '${error.instancePath.slice(1).replace(/\//g, '.')}'` : 'arguments';
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(error.params.additionalProperty);
      const known = Object.keys((module.schema.properties ?? {}) as object);
      const suggestion = known.length ? closest(name, known) : undefined;
      const hint = suggestion && distanceOk(name, suggestion) ? ` (did you mean '${suggestion}'?)` : '';
      return `unsupported argument '${name}' for module '${module.name}'${hint}`;
    }
    case 'required':
      return `missing required argument '${String(error.params.missingProperty)}' for module '${module.name}'`;
    case 'enum':
      return `${where} must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

function distanceOk(a: string, b: string): boolean {
  let same = 0;
  for (const char of new Set(a)) if (b.includes(char)) same += 1;
  return same >= Math.min(a.length, b.length) / 2;
}

export class ArgumentError extends Error {
  /** What Ansible's module says of the same arguments when the task runs (a failed task's msg). */
  readonly ansibleMessage: string;

  constructor(readonly problems: string[], ansibleMessage?: string) {
    super(problems.join('; '));
    this.name = 'ArgumentError';
    this.ansibleMessage = ansibleMessage ?? this.message;
  }
}

const sortedList = (names: Iterable<string>) => [...names].sort().join(', ');

/** Ansible's wording for argument problems found at run time (AnsibleModule's, or the action plugin's for a missing argument). */
function ansibleWording(errors: ErrorObject[], module: Module, data: Record<string, unknown>, problems: string[]): string {
  const missing = errors.filter((error) => error.keyword === 'required' && error.instancePath === '').map((error) => String(error.params.missingProperty));
  const actionMessage = missing.map((name) => module.requiredMessages?.[name]).find(Boolean);
  if (actionMessage) return actionMessage;
  if (missing.length > 0) return `missing required arguments: ${sortedList(new Set(missing))}`;
  const mistyped = new Set(errors.filter((error) => error.keyword === 'type' && /^\/[^/]+$/.test(error.instancePath)).map((error) => error.instancePath.slice(1)));
  const typeMessage = Object.entries(module.typeMessages ?? {}).reverse().find(([name]) => mistyped.has(name))?.[1];
  if (typeMessage) return typeMessage;
  const unsupported = errors.filter((error) => error.keyword === 'additionalProperties' && error.instancePath === '').map((error) => String(error.params.additionalProperty));
  if (unsupported.length > 0) {
    const known = Object.keys((module.schema.properties ?? {}) as object);
    return `Unsupported parameters for (${module.name}) module: ${sortedList(new Set(unsupported))}. Supported parameters include: ${sortedList(known)}.`;
  }
  const choice = errors.find((error) => error.keyword === 'enum' && /^\/[^/]+$/.test(error.instancePath));
  if (choice) {
    const name = choice.instancePath.slice(1);
    return `value of ${name} must be one of: ${(choice.params.allowedValues as unknown[]).join(', ')}, got: ${String(data[name])}`;
  }
  return problems.join('; ');
}

/**
 * Checks a module's arguments against its schema. With `lenient` (at load time, before templating),
 * a value that is still template text may have any type; everything else must already be right.
 * Returns the coerced arguments with schema defaults filled in.
 */
export function validateArgs(module: Module, args: Record<string, unknown>, lenient = false): Record<string, unknown> {
  let validate = compiled.get(module);
  if (!validate) {
    if (!ajv) throw new Error('validateArgs before loadArgValidator');
    validate = ajv.compile(module.schema);
    compiled.set(module, validate);
  }
  const data = coerce(module.schema, args);
  const extra = lenient && module.checkArgs ? module.checkArgs(data) : [];
  if (validate(data) && extra.length === 0) return data;
  const errors = (validate.errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .filter((error) => !(lenient && awaitsTemplating(valueAt(data, error.instancePath))))
    .filter((error) => !(lenient && error.keyword !== 'required' && error.keyword !== 'additionalProperties' && error.instancePath === '' && Object.values(data).some(isTemplateText)));
  const problems = [...new Set(errors.map((error) => describe(error, module)).concat(extra))];
  if (problems.length === 0) return data;
  throw new ArgumentError(problems, ansibleWording(errors, module, data, problems));
}
