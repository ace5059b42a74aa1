/**
 * Ansible's ArgumentSpecValidator (module_utils.common.arg_spec) as role argument specs use it: unsupported,
 * required, type, elements, choices and nested options checks, with ansible-core 2.14's messages and order.
 */

export type ArgumentSpec = Record<string, OptionSpec>;

export interface OptionSpec {
  type?: string;
  required?: boolean;
  choices?: unknown[];
  elements?: string;
  options?: ArgumentSpec;
  aliases?: string[];
  apply_defaults?: boolean;
  default?: unknown;
}

const TRUE_VALUES = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_VALUES = new Set(['n', 'no', 'off', '0', 'false', 'f']);
const BOOLEAN_LIST = "0, 1, 'yes', '1', 'off', 'f', 'false', 't', 'y', '0', 'on', 'n', 'no', 'true'";

/** The Python class Ansible names for a value read from YAML. */
function pythonType(value: unknown): string {
  if (typeof value === 'string') return "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (Array.isArray(value)) return "<class 'list'>";
  if (value === null || value === undefined) return "<class 'NoneType'>";
  return "<class 'dict'>";
}

class ConversionError extends Error {}

function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const word = String(value).toLowerCase();
    if (TRUE_VALUES.has(word)) return true;
    if (FALSE_VALUES.has(word)) return false;
    throw new ConversionError(`The value '${String(value)}' is not a valid boolean.  Valid booleans include: ${BOOLEAN_LIST}`);
  }
  throw new ConversionError(`${pythonType(value)} cannot be converted to a bool`);
}

function toInt(value: unknown): number {
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, ''));
  throw new ConversionError(`${pythonType(value)} cannot be converted to an int`);
}

function toFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|inf(?:inity)?|nan)\s*$/i.test(value)) return Number(value);
  throw new ConversionError(`${pythonType(value)} cannot be converted to a float`);
}

function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(',');
  if (typeof value === 'number') return [String(value)];
  throw new ConversionError(`${pythonType(value)} cannot be converted to a list`);
}

/** Python's check_type_dict: a mapping, JSON text, or `k=v` text. */
function toDict(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value !== 'string') throw new ConversionError(`${pythonType(value)} cannot be converted to a dict`);
  if (value.startsWith('{')) {
    try {
      return JSON.parse(value) as Record<string, unknown>;
    } catch {
      throw new ConversionError('unable to evaluate string as dictionary');
    }
  }
  const fields = value.split(/[,\s]+/).filter(Boolean);
  if (fields.some((field) => !field.includes('='))) throw new ConversionError('dictionary requested, could not parse JSON or key=value');
  return Object.fromEntries(fields.map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)]));
}

const CONVERTERS: Record<string, (value: unknown) => unknown> = {
  str: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
  path: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
  int: toInt,
  float: toFloat,
  bool: toBool,
  list: toList,
  dict: toDict,
};

function convert(type: string, value: unknown): unknown {
  return (CONVERTERS[type] ?? ((raw: unknown) => raw))(value);
}

function pythonText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return JSON.stringify(value);
}

function hasSubOptions(option: OptionSpec): boolean {
  return Boolean(option.options) && (option.type === 'dict' || (option.type === 'list' && option.elements === 'dict'));
}

/** Ansible's no_log scan runs first and reads text given for options with sub-options as a dict: its one error. */
function noLogPassError(spec: ArgumentSpec, values: Record<string, unknown>): string | undefined {
  for (const [name, option] of Object.entries(spec)) {
    const value = values[name];
    if (!hasSubOptions(option) || value === null || value === undefined) continue;
    for (const element of Array.isArray(value) ? value : [value]) {
      if (typeof element !== 'string') continue;
      try {
        toDict(element);
      } catch (error) {
        if (error instanceof ConversionError) return error.message;
        throw error;
      }
    }
  }
  return undefined;
}

/** Validates `params` against `spec`; returns the error messages in the order Ansible gives them. */
export function validateArgumentSpec(spec: ArgumentSpec, params: Record<string, unknown>, context: string[] = []): string[] {
  const errors: string[] = [];
  const found = (message: string) => (context.length ? `${message} found in ${context.join(' -> ')}` : message);
  const known = new Set(Object.entries(spec).flatMap(([name, option]) => [name, ...(option.aliases ?? [])]));
  const values: Record<string, unknown> = { ...params };
  for (const [name, option] of Object.entries(spec)) {
    const alias = option.aliases?.find((candidate) => candidate in values);
    if (!(name in values) && alias) values[name] = values[alias];
  }
  const textOptions = noLogPassError(spec, values);
  if (textOptions) errors.push(textOptions);
  const unsupported = Object.keys(params).filter((name) => !known.has(name)).sort();
  const missing = Object.entries(spec).filter(([name, option]) => option.required && !(name in values)).map(([name]) => name).sort();
  if (missing.length) errors.push(found(`missing required arguments: ${missing.join(', ')}`));
  for (const [name, option] of Object.entries(spec)) {
    const value = values[name];
    if (value === null || value === undefined) continue;
    const type = option.type ?? 'str';
    try {
      values[name] = convert(type, value);
      if (option.elements && Array.isArray(values[name])) {
        values[name] = (values[name] as unknown[]).map((element) => {
          try {
            return convert(option.elements!, element);
          } catch (error) {
            if (!(error instanceof ConversionError)) throw error;
            const where = context.length ? ` found in '${context.join(' -> ')}'` : '';
            errors.push(`Elements value for option '${name}'${where} is of type ${pythonType(element)} and we were unable to convert to ${option.elements}: ${error.message}`);
            return element;
          }
        });
      }
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      const where = context.length ? ` found in '${context.join(' -> ')}'.` : '';
      errors.push(`argument '${name}' is of type ${pythonType(value)}${where} and we were unable to convert to ${type}: ${error.message}`);
    }
  }
  for (const [name, option] of Object.entries(spec)) {
    const value = values[name];
    if (!option.choices || value === null || value === undefined) continue;
    const choices = option.choices.map(pythonText);
    if (Array.isArray(value)) {
      const unmatched = value.map(pythonText).filter((item) => !choices.includes(item));
      if (unmatched.length) errors.push(found(`value of ${name} must be one or more of: ${choices.join(', ')}. Got no match for: ${unmatched.join(', ')}`));
    } else if (!choices.includes(pythonText(value))) {
      errors.push(found(`value of ${name} must be one of: ${choices.join(', ')}, got: ${pythonText(value)}`));
    }
  }
  for (const [name, option] of Object.entries(spec)) {
    if (!hasSubOptions(option)) continue;
    let value = values[name];
    if ((value === null || value === undefined) && option.apply_defaults) value = {};
    if (value === null || value === undefined) continue;
    for (const element of Array.isArray(value) ? value : [value]) {
      if (element === null || typeof element !== 'object' || Array.isArray(element)) {
        errors.push(`value of '${name}' must be of type dict or list of dicts`);
        continue;
      }
      errors.push(...validateArgumentSpec(option.options!, element as Record<string, unknown>, [...context, name]));
    }
  }
  if (unsupported.length) {
    const supported = Object.keys(spec).sort().map((name) => (spec[name].aliases?.length ? `${name} (${[...spec[name].aliases!].sort().join(', ')})` : name));
    errors.push(`${found(unsupported.join(', '))}. Supported parameters include: ${supported.join(', ')}.`);
  }
  return errors;
}
