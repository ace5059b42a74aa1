import { bindArgs, splitArgs } from './args.js';
import type { Callable, TemplateContext } from './callable.js';
import { TemplateError } from './errors.js';
import { memberLookup } from './python-methods.js';
import { pyArithmetic, pyContains, pyEquals, pyOrder, truthy } from './python-ops.js';
import { pythonRepr, pythonStr } from './python-repr.js';
import { type Dict, isDict, isText, plain, pyTypeName, tuple } from './python-types.js';
import { StrictUndefined, isUndefined } from './undefined.js';

/** What Python iteration yields: list items, dict keys, string characters. */
function toList(value: unknown): unknown[] {
  if (isUndefined(value)) value.fail();
  const v = plain(value);
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return Object.keys(v);
  if (v instanceof Set || v instanceof Map) return [...v];
  throw new TemplateError(`'${pyTypeName(v)}' object is not iterable`);
}

function asDict(value: unknown, filter: string): Dict {
  if (!isDict(value)) throw new TemplateError(`${filter} requires a dictionary, got ${pyTypeName(value)} instead.`);
  return value;
}

/** Jinja's attribute paths: "a.b.0" reads item.a.b[0]; a missing step is undefined. */
function attributeGetter(attribute: unknown): (item: unknown) => unknown {
  const parts = pythonStr(attribute).split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return (item) => parts.reduce<unknown>((target, part) => memberLookup(target, part), item);
}

function caseFolded(caseSensitive: unknown): (value: unknown) => unknown {
  return (value) => (!truthy(caseSensitive) && isText(value) ? value.toString().toLowerCase() : value);
}

function keywordsOnly(keywords: Dict): unknown[] {
  return Object.keys(keywords).length > 0 ? [{ ...keywords, __keywords: true }] : [];
}

function map(this: TemplateContext, value: unknown, ...args: unknown[]): unknown[] {
  const items = toList(value);
  const { positional, keywords } = splitArgs(args);
  if (positional.length === 0) {
    const get = attributeGetter(keywords.attribute);
    return items.map((item) => {
      const found = get(item);
      return isUndefined(found) && Object.hasOwn(keywords, 'default') ? keywords.default : found;
    });
  }
  const [name, ...rest] = positional;
  const filter = this.env.getFilter(pythonStr(name));
  return items.map((item) => filter.call(this, item, ...rest, ...keywordsOnly(keywords)));
}

function selecting(keep: boolean, byAttribute: boolean): Callable {
  return function (this: TemplateContext, value: unknown, ...args: unknown[]): unknown[] {
    const { positional } = splitArgs(args);
    const get = byAttribute ? attributeGetter(positional.shift()) : (item: unknown) => item;
    const [testName, ...testArgs] = positional;
    const test = testName === undefined ? truthy : this.env.getTest(pythonStr(testName));
    return toList(value).filter((item) => truthy(test.call(this, get(item), ...testArgs)) === keep);
  };
}

function sort(value: unknown, ...args: unknown[]): unknown[] {
  const [reverse, caseSensitive, attribute] = bindArgs('sort', args, ['reverse', 'case_sensitive', 'attribute'], [false, false, null]);
  const fold = caseFolded(caseSensitive);
  const getters = attribute === null || attribute === undefined ? [(item: unknown) => item] : pythonStr(attribute).split(',').map((part) => attributeGetter(part.trim()));
  const direction = truthy(reverse) ? -1 : 1;
  return [...toList(value)].sort((a, b) => {
    for (const get of getters) {
      const order = pyOrder(fold(get(a)), fold(get(b)));
      if (order !== 0) return direction * order;
    }
    return 0;
  });
}

function uniqueBy(items: unknown[], key: (item: unknown) => unknown): unknown[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = pythonRepr(key(item));
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function unique(value: unknown, ...args: unknown[]): unknown[] {
  const [caseSensitive, attribute] = bindArgs('unique', args, ['case_sensitive', 'attribute'], [false, null]);
  const fold = caseFolded(caseSensitive);
  const get = attribute === null || attribute === undefined ? (item: unknown) => item : attributeGetter(attribute);
  return uniqueBy(toList(value), (item) => fold(get(item)));
}

function extreme(name: 'min' | 'max'): Callable {
  return (value: unknown, ...args: unknown[]) => {
    const [caseSensitive, attribute] = bindArgs(name, args, ['case_sensitive', 'attribute'], [false, null]);
    const items = toList(value);
    if (items.length === 0) return new StrictUndefined('No aggregated item, sequence was empty.', name);
    const fold = caseFolded(caseSensitive);
    const get = attribute === null || attribute === undefined ? (item: unknown) => item : attributeGetter(attribute);
    const better = (a: unknown, b: unknown) => pyOrder(fold(get(a)), fold(get(b))) * (name === 'min' ? -1 : 1) > 0;
    return items.reduce((best, item) => (better(item, best) ? item : best));
  };
}

function sum(value: unknown, ...args: unknown[]): unknown {
  const [attribute, start] = bindArgs('sum', args, ['attribute', 'start'], [null, 0]);
  const get = attribute === null || attribute === undefined ? (item: unknown) => item : attributeGetter(attribute);
  return toList(value).reduce((total, item) => pyArithmetic('+', total, get(item)), start);
}

function length(value: unknown): number {
  const v = plain(value);
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isDict(v)) return Object.keys(v).length;
  throw new TemplateError(`object of type '${pyTypeName(v)}' has no len()`);
}

function edge(which: 'first' | 'last'): Callable {
  return (value: unknown) => {
    const v = plain(value);
    const items = typeof v === 'string' || Array.isArray(v) ? v : toList(v);
    if (items.length === 0) return new StrictUndefined(`No ${which} item, sequence was empty.`, which);
    return items[which === 'first' ? 0 : items.length - 1];
  };
}

function reverse(value: unknown): unknown {
  const v = plain(value);
  if (typeof v === 'string') return [...v].reverse().join('');
  return [...toList(v)].reverse();
}

function join(value: unknown, ...args: unknown[]): string {
  const [separator, attribute] = bindArgs('join', args, ['d', 'attribute'], ['', null]);
  const get = attribute === null || attribute === undefined ? (item: unknown) => item : attributeGetter(attribute);
  return toList(value).map((item) => pythonStr(get(item))).join(pythonStr(separator));
}

/** Ansible's flatten: nested lists to `levels` depth, dropping None (and 'None'/'null') items. */
function flatten(value: unknown, ...args: unknown[]): unknown[] {
  const [levels, skipNulls] = bindArgs('flatten', args, ['levels', 'skip_nulls'], [null, true]);
  const walk = (items: unknown[], depth: number | null): unknown[] =>
    items.flatMap((item) => {
      if (truthy(skipNulls) && (item === null || item === 'None' || item === 'null')) return [];
      if (Array.isArray(item) && (depth === null || depth >= 1)) return walk(item, depth === null ? null : depth - 1);
      return [item];
    });
  return walk(toList(value), levels === null || levels === undefined ? null : Number(levels));
}

function dict2items(value: unknown, ...args: unknown[]): Dict[] {
  const [keyName, valueName] = bindArgs('dict2items', args, ['key_name', 'value_name'], ['key', 'value']);
  return Object.entries(asDict(value, 'dict2items')).map(([key, item]) => ({ [pythonStr(keyName)]: key, [pythonStr(valueName)]: item }));
}

function items2dict(value: unknown, ...args: unknown[]): Dict {
  const [keyName, valueName] = bindArgs('items2dict', args, ['key_name', 'value_name'], ['key', 'value']);
  const result: Dict = {};
  for (const item of toList(value)) {
    if (!isDict(item) || !Object.hasOwn(item, pythonStr(keyName))) throw new TemplateError(`items2dict requires each item to be a dictionary with a '${pythonStr(keyName)}' key, got ${pythonRepr(item)}`);
    result[pythonStr(item[pythonStr(keyName)])] = item[pythonStr(valueName)];
  }
  return result;
}

function mergeLists(left: unknown[], right: unknown[], mode: string): unknown[] {
  const withoutRight = () => left.filter((item) => !pyContains(right, item));
  switch (mode) {
    case 'replace': return right;
    case 'keep': return left;
    case 'append': return [...left, ...right];
    case 'prepend': return [...right, ...left];
    case 'append_rp': return [...withoutRight(), ...right];
    case 'prepend_rp': return [...right, ...withoutRight()];
    default: throw new TemplateError(`merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'`);
  }
}

/** Ansible's merge_hash, as used by `combine`. */
function mergeHash(left: Dict, right: Dict, recursive: boolean, listMerge: string): Dict {
  const result: Dict = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const current = result[key];
    if (!Object.hasOwn(result, key)) result[key] = value;
    else if (isDict(current) && isDict(value)) result[key] = recursive ? mergeHash(current, value, recursive, listMerge) : value;
    else if (Array.isArray(current) && Array.isArray(value)) result[key] = mergeLists(current, value, listMerge);
    else result[key] = value;
  }
  return result;
}

function combine(...args: unknown[]): Dict {
  const { positional, keywords } = splitArgs(args);
  const { recursive = false, list_merge: listMerge = 'replace', ...unknown } = keywords;
  if (Object.keys(unknown).length > 0) throw new TemplateError("'recursive' and 'list_merge' are the only valid keyword arguments");
  const dicts = positional.flatMap((term) => (Array.isArray(term) ? term : [term]));
  if (dicts.length === 0) return {};
  return dicts.map((term) => asDict(term, 'combine')).reduce((merged, next) => mergeHash(merged, next, truthy(recursive), pythonStr(listMerge)));
}

function zipLists(lists: unknown[][], longest: boolean, fill: unknown): unknown[][] {
  const size = lists.length === 0 ? 0 : Math[longest ? 'max' : 'min'](...lists.map((list) => list.length));
  return Array.from({ length: size }, (_, i) => tuple(lists.map((list) => (i < list.length ? list[i] : fill))));
}

function product(...lists: unknown[]): unknown[][] {
  return lists.map(toList).reduce<unknown[][]>((combos, list) => combos.flatMap((combo) => list.map((item) => [...combo, item])), [[]]).map(tuple);
}

/** itertools.permutations: r-length orderings, in the order Python yields them. */
function permutations(value: unknown, r: unknown = null): unknown[][] {
  const items = toList(value);
  const size = r === null ? items.length : Number(r);
  const walk = (chosen: number[]): number[][] =>
    chosen.length === size ? [chosen] : items.flatMap((_, i) => (chosen.includes(i) ? [] : walk([...chosen, i])));
  return size > items.length ? [] : walk([]).map((indexes) => tuple(indexes.map((i) => items[i])));
}

/** itertools.combinations: r-length selections keeping the input order. */
function combinations(value: unknown, r: unknown): unknown[][] {
  const items = toList(value);
  const size = Number(r);
  const walk = (from: number, chosen: unknown[]): unknown[][] =>
    chosen.length === size ? [chosen] : items.slice(from).flatMap((item, offset) => walk(from + offset + 1, [...chosen, item]));
  return walk(0, []).map(tuple);
}

function subelements(value: unknown, ...args: unknown[]): unknown[][] {
  const [path, skipMissing] = bindArgs('subelements', args, ['subelements', 'skip_missing'], [undefined, false]);
  const elements = isDict(value) ? Object.values(value) : Array.isArray(value) ? value : undefined;
  if (!elements) throw new TemplateError('obj must be a list of dicts or a nested dict');
  const keys = Array.isArray(path) ? path.map(pythonStr) : pythonStr(path).split('.');
  return elements.flatMap((element) => {
    let values: unknown = element;
    for (const key of keys) {
      if (!isDict(values)) throw new TemplateError(`the key ${key} should point to a dictionary, got '${pythonStr(values)}'`);
      if (!Object.hasOwn(values, key)) {
        if (truthy(skipMissing)) return [];
        throw new TemplateError(`could not find '${key}' key in iterated item ${pythonRepr(values)}`);
      }
      values = values[key];
    }
    if (!Array.isArray(values)) throw new TemplateError(`the key '${keys[keys.length - 1]}' should point to a list, got ${pythonRepr(values)}`);
    return values.map((item) => tuple([element, item]));
  });
}

function extract(item: unknown, container: unknown, morekeys: unknown = null): unknown {
  const keys = [item, ...(morekeys === null ? [] : Array.isArray(morekeys) ? morekeys : [morekeys])];
  return keys.reduce<unknown>((target, key) => memberLookup(target, key), container);
}

/** Jinja's groupby: sorted [grouper, items] pairs that also answer .grouper and .list. */
function groupby(value: unknown, ...args: unknown[]): unknown[] {
  const [attribute, fallback] = bindArgs('groupby', args, ['attribute', 'default'], [undefined, null]);
  const get = attributeGetter(attribute);
  const keyOf = (item: unknown) => {
    const key = get(item);
    return isUndefined(key) && fallback !== null ? fallback : key;
  };
  const groups: [unknown, unknown[]][] = [];
  for (const item of sort(value, { __keywords: true, attribute, case_sensitive: true })) {
    const key = keyOf(item);
    const last = groups[groups.length - 1];
    if (last && pyEquals(last[0], key)) last[1].push(item);
    else groups.push([key, [item]]);
  }
  return groups.map(([grouper, list]) => Object.assign([grouper, list], { grouper, list }));
}

/** Python's dict(): from pairs, from a mapping, and/or keyword arguments. */
export function toDict(...args: unknown[]): Dict {
  const { positional, keywords } = splitArgs(args);
  const result: Dict = {};
  for (const source of positional) {
    if (isDict(source)) Object.assign(result, source);
    else for (const pair of toList(source)) {
      const [key, item] = toList(pair);
      result[pythonStr(key)] = item;
    }
  }
  return Object.assign(result, keywords);
}

function setOperation(build: (a: unknown[], b: unknown[]) => unknown[]): Callable {
  return (a: unknown, b: unknown) => uniqueBy(build(toList(a), toList(b)), (item) => item);
}

/** Filters on lists and dicts (Jinja builtins and Ansible's core filters). */
export const COLLECTION_FILTERS: Record<string, Callable> = {
  length,
  count: length,
  first: edge('first'),
  last: edge('last'),
  list: (value: unknown) => [...toList(value)],
  dict: toDict,
  items: (value: unknown) => Object.entries(asDict(value, 'items')).map(tuple),
  join,
  sort,
  unique,
  reverse,
  min: extreme('min'),
  max: extreme('max'),
  sum,
  map,
  select: selecting(true, false),
  reject: selecting(false, false),
  selectattr: selecting(true, true),
  rejectattr: selecting(false, true),
  attr: (value: unknown, name: unknown) => memberLookup(value, name),
  dict2items,
  items2dict,
  combine,
  flatten,
  zip: (...lists: unknown[]) => zipLists(lists.map(toList), false, null),
  zip_longest: (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    return zipLists(positional.map(toList), true, keywords.fillvalue ?? null);
  },
  product,
  permutations,
  combinations,
  subelements,
  extract,
  groupby,
  union: setOperation((a, b) => [...a, ...b]),
  intersect: setOperation((a, b) => a.filter((item) => pyContains(b, item))),
  difference: setOperation((a, b) => a.filter((item) => !pyContains(b, item))),
  symmetric_difference: setOperation((a, b) => [...a.filter((item) => !pyContains(b, item)), ...b.filter((item) => !pyContains(a, item))]),
};
