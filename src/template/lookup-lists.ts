import { pyChoice, pyRandom } from '../python/random.js';
import { parseKeyValueArgs } from '../playbook/kv.js';
import { toBool } from './filters-text.js';
import { TemplateError } from './errors.js';
import type { Lookup } from './lookup-types.js';
import { percentFormat } from './python-ops.js';
import { pythonRepr, pythonStr } from './python-repr.js';
import { type Dict, isDict, tuple } from './python-types.js';

/** LookupBase._flatten: one level of lists opened. */
function flattenOnce(items: unknown[]): unknown[] {
  return items.flatMap((item) => (Array.isArray(item) ? item : [item]));
}

/** listify_lookup_plugin_terms for each term: a non-list is a list of one. */
function asList(term: unknown): unknown[] {
  return Array.isArray(term) ? term : [term];
}

const indexedItems: Lookup = (terms) => flattenOnce(terms).map((item, index) => tuple([index, item]));

const dict: Lookup = (terms) =>
  terms.flatMap((term) => {
    if (!isDict(term)) throw new TemplateError('with_dict expects a dict');
    return Object.entries(term).map(([key, value]) => ({ key, value }));
  });

const together: Lookup = (terms) => {
  if (terms.length === 0) throw new TemplateError('with_together requires at least one element in each list');
  const lists = terms.map(asList);
  const length = Math.max(...lists.map((list) => list.length));
  return Array.from({ length }, (_, i) => flattenOnce(lists.map((list) => (i < list.length ? list[i] : null))));
};

const nested: Lookup = (terms) => {
  if (terms.length === 0) throw new TemplateError('with_nested requires at least one element in the nested list');
  const [first, ...rest] = terms.map(asList);
  return rest.reduce<unknown[]>((combined, list) => combined.flatMap((x) => list.map((y) => flattenOnce([x, y]))), first).map((item) => (typeof item === 'string' ? [...item] : flattenOnce(asList(item))));
};

/** community.general's flattened: every level of lists opened, None dropped. */
const flattened: Lookup = (terms) => {
  const walk = (items: unknown[]): unknown[] => items.flatMap((item) => (Array.isArray(item) ? walk(item) : item === null || item === 'None' ? [] : [item]));
  return walk(terms);
};

/** The element as the subelements lookup leaves it: the list it iterates is taken out of it. */
function withoutKeyPath(element: Dict, [key, ...rest]: string[]): Dict {
  if (rest.length === 0) return Object.fromEntries(Object.entries(element).filter(([name]) => name !== key));
  return { ...element, [key]: withoutKeyPath(element[key] as Dict, rest) };
}

/** The subelements lookup: (element, subitem) pairs for a dotted key path holding a list in each element. */
const subelements: Lookup = (terms) => {
  const fail = (detail = '') => new TemplateError(`subelements lookup expects a list of two or three items, ${detail}`);
  if (terms.length < 2 || terms.length > 3) throw fail();
  const [given, path, flags = {}] = terms;
  // As Ansible, the first term is listified: a lone value is a list of one (and then not a dictionary).
  const source = Array.isArray(given) || isDict(given) ? given : [given];
  if (typeof path !== 'string') throw fail('first a dict or a list, second a string pointing to the subkey');
  if (!isDict(flags) || !Object.keys(flags).every((key) => key === 'skip_missing')) throw fail("the optional third item must be a dict with flags ('skip_missing',)");
  if (isDict(source) && source.skipped !== undefined && source.skipped !== false) return [];
  const keys = path.split('.');
  const skipMissing = Boolean(toBool(flags.skip_missing ?? false));
  const elements = isDict(source) ? Object.values(source) : source;
  return elements.flatMap((element) => {
    if (!isDict(element)) throw new TemplateError(`subelements lookup expects a dictionary, got '${pythonStr(element)}'`);
    if (element.skipped !== undefined && element.skipped !== false) return [];
    let value: Dict = element;
    let list: unknown[] = [];
    for (const [index, key] of keys.entries()) {
      if (!Object.hasOwn(value, key)) {
        if (skipMissing) continue;
        throw new TemplateError(`could not find '${key}' key in iterated item '${pythonRepr(value)}'`);
      }
      const next = value[key];
      if (index < keys.length - 1) {
        if (isDict(next)) value = next;
        else if (!skipMissing) throw new TemplateError(`the key ${key} should point to a dictionary, got '${pythonStr(next)}'`);
      } else if (!Array.isArray(next)) throw new TemplateError(`the key ${key} should point to a list, got '${pythonStr(next)}'`);
      else list = next;
    }
    const shown = list.length > 0 ? withoutKeyPath(element, keys) : element;
    return list.map((item) => tuple([shown, item]));
  });
};

/** Python 3's int(text, 0): decimal without leading zeros, 0x hex, 0o octal, 0b binary. */
function parseInt0(name: string, text: string): number {
  const match = /^\s*([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[1-9]\d*|0+)\s*$/.exec(text);
  if (!match) throw new TemplateError(`can't parse ${name}=${text} as integer`);
  return (match[1] === '-' ? -1 : 1) * Number(match[2].replace(/^0+(?=\d)/, ''));
}

const SHORTCUT = /^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(\/(0?x?[0-9a-f]+))?(:(.+))?$/is;

interface SequenceSpec {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

function sequenceSpec(term: string): SequenceSpec {
  const spec: SequenceSpec = { start: 1, stride: 1, format: '%d' };
  const shortcut = SHORTCUT.exec(term);
  if (shortcut) {
    if (shortcut[2] !== undefined) spec.start = parseInt0('start', shortcut[2]);
    spec.end = parseInt0('end', shortcut[3]);
    if (shortcut[5] !== undefined) spec.stride = parseInt0('stride', shortcut[5]);
    if (shortcut[7] !== undefined) spec.format = shortcut[7];
    return spec;
  }
  const { format, start, end, count, stride, ...unknown } = parseKeyValueArgs(term);
  if (Object.keys(unknown).length > 0) throw new TemplateError(`unrecognized arguments to with_sequence: [${Object.keys(unknown).map((key) => `'${key}'`).join(', ')}]`);
  for (const [name, value] of Object.entries({ start, end, count, stride })) {
    if (value !== undefined) spec[name as 'start'] = parseInt0(name, String(value));
  }
  if (format !== undefined) spec.format = String(format);
  return spec;
}

/** The sequence lookup: `start=1 end=10 stride=2 format=x%02d`, `count=4`, or the short `[start-]end[/stride][:format]`. */
const sequence: Lookup = (terms) =>
  terms.flatMap((term) => {
    const spec = sequenceSpec(pythonStr(term));
    if (spec.count === undefined && spec.end === undefined) throw new TemplateError('must specify count or end in with_sequence');
    if (spec.count !== undefined && spec.end !== undefined) throw new TemplateError("can't specify both count and end in with_sequence");
    let { start, end = 0, stride } = spec;
    if (spec.count !== undefined) {
      if (spec.count !== 0) end = start + spec.count * stride - 1;
      else [start, end, stride] = [0, 0, 0];
    }
    if (stride > 0 && end < start) throw new TemplateError('to count backwards make stride negative');
    if (stride < 0 && end > start) throw new TemplateError("to count forward don't make stride negative");
    if (spec.format.split('%').length - 1 !== 1) throw new TemplateError(`bad formatting string: ${spec.format}`);
    if (stride === 0) return [];
    const out: string[] = [];
    const stop = end + (stride > 0 ? 1 : -1);
    for (let value = start; stride > 0 ? value < stop : value > stop; value += stride) {
      try {
        out.push(percentFormat(spec.format, [value]));
      } catch {
        throw new TemplateError(`problem formatting ${value} with '${spec.format}'`);
      }
    }
    return out;
  });

const randomChoice: Lookup = (terms) => (terms.length === 0 ? terms : [pyChoice(pyRandom(), terms)]);

export const LIST_LOOKUPS: Record<string, Lookup> = {
  items: flattenOnce,
  list: (terms) => terms,
  indexed_items: indexedItems,
  dict,
  together,
  nested,
  flattened,
  subelements,
  sequence,
  random_choice: randomChoice,
};
