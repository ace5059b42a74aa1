import { ANSIBLE_YAML } from '../yaml/pyyaml.js';
import { Document, Scalar, parse, parseAllDocuments, stringify } from 'yaml';
import { TemplateError } from './errors.js';
import { isDict, isText } from './python-types.js';
import { isUndefined } from './undefined.js';

export interface JsonOptions {
  indent?: number | null;
  sortKeys?: boolean;
  separators?: [string, string];
}

function jsonString(value: string): string {
  return `"${value.replace(/[\\"\x00-\x1f\x7f-\uffff]/g, (char) => {
    switch (char) {
      case '"': return '\\"';
      case '\\': return '\\\\';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      case '\b': return '\\b';
      case '\f': return '\\f';
      default: return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  })}"`;
}

function jsonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's json.dumps as Ansible's to_json calls it (ensure_ascii, ", " and ": " separators). */
export function toPythonJson(value: unknown, options: JsonOptions = {}): string {
  const indent = options.indent ?? null;
  const [itemSep, keySep] = options.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);
  const encode = (item: unknown, level: number): string => {
    if (isUndefined(item)) item.fail();
    if (item === null || item === undefined) return 'null';
    if (isText(item)) return jsonString(item.toString());
    if (typeof item === 'boolean') return item ? 'true' : 'false';
    if (typeof item === 'number') return jsonNumber(item);
    if (item instanceof Date) return jsonString(item.toISOString());
    const entries: [string | null, unknown][] = Array.isArray(item)
      ? item.map((element) => [null, element])
      : isDict(item)
        ? Object.entries(item).sort(options.sortKeys ? ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0) : () => 0)
        : [];
    if (!Array.isArray(item) && !isDict(item)) throw new TemplateError(`Object of type ${typeof item} is not JSON serializable`);
    const [open, close] = Array.isArray(item) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return open + close;
    const parts = entries.map(([key, element]) => (key === null ? '' : jsonString(key) + keySep) + encode(element, level + 1));
    if (indent === null) return open + parts.join(itemSep) + close;
    const inner = '\n' + ' '.repeat(indent * (level + 1));
    return open + inner + parts.join(itemSep + inner) + '\n' + ' '.repeat(indent * level) + close;
  };
  return encode(value, 0);
}

function sortedDeep(value: unknown): unknown {
  if (isUndefined(value)) value.fail();
  if (isText(value)) return value.toString();
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (isDict(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedDeep(value[key])]));
  return value;
}

const YAML_OPTIONS = { version: '1.1', singleQuote: true, lineWidth: 0, flowCollectionPadding: false } as const;

function isCollection(value: unknown): value is unknown[] | Record<string, unknown> {
  return Array.isArray(value) || isDict(value);
}

/** Scalars, empty collections and (for to_yaml) collections of scalars are written on one line. */
function isInlineable(value: unknown, flowLeaves: boolean): boolean {
  if (!isCollection(value)) return true;
  const children = Object.values(value);
  return children.length === 0 || (flowLeaves && children.every((child) => !isCollection(child)));
}

function inline(value: unknown): string {
  if (typeof value === 'string' && value.includes('\n')) {
    const scalar = new Scalar(value);
    scalar.type = Scalar.QUOTE_DOUBLE;
    return stringify(scalar, YAML_OPTIONS).trimEnd();
  }
  if (!isCollection(value)) return stringify(value, YAML_OPTIONS).trimEnd();
  const doc = new Document(value, { version: '1.1' });
  (doc.contents as { flow?: boolean }).flow = true;
  return doc.toString(YAML_OPTIONS).trimEnd();
}

/**
 * PyYAML's block style as Ansible's to_yaml / to_nice_yaml produce it: sorted keys, sequences
 * not indented under their key, and (for to_yaml) collections of scalars written inline.
 */
function emitBlock(value: unknown, indent: number, flowLeaves: boolean): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (isInlineable(item, flowLeaves)) return [`- ${inline(item)}`];
      const [first, ...rest] = emitBlock(item, indent, flowLeaves);
      return [`-${' '.repeat(indent - 1)}${first}`, ...rest.map((line) => pad + line)];
    });
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
    const head = `${inline(key)}:`;
    if (isInlineable(item, flowLeaves)) return [`${head} ${inline(item)}`];
    const body = emitBlock(item, indent, flowLeaves);
    return [head, ...(Array.isArray(item) ? body : body.map((line) => pad + line))];
  });
}

export function toYaml(value: unknown, indent: number, flowLeaves: boolean): string {
  const data = sortedDeep(value);
  if (isInlineable(data, flowLeaves)) return inline(data) + '\n';
  return emitBlock(data, indent, flowLeaves).join('\n') + '\n';
}

export function fromYaml(text: string): unknown {
  try {
    return parse(text, ANSIBLE_YAML);
  } catch (error) {
    throw new TemplateError(`from_yaml: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function fromYamlAll(text: string): unknown[] {
  return parseAllDocuments(text, ANSIBLE_YAML).map((doc) => {
    if (doc.errors.length > 0) throw new TemplateError(`from_yaml_all: ${doc.errors[0].message}`);
    return doc.toJS();
  });
}
