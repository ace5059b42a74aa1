import type { Templar } from '../template/templar.js';
import type { ActionTask } from '../playbook/types.js';
import { parseKeyValueArgs } from '../playbook/kv.js';

export class LoopError extends Error {}

function asList(value: unknown, keyword: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  throw new LoopError(`Invalid data passed to '${keyword}', it requires a list, got this instead: ${JSON.stringify(value)}`);
}

function dictItems(value: unknown, keyword: string): unknown[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new LoopError(`'${keyword}' expects a dict`);
  return Object.entries(value).map(([key, item]) => ({ key, value: item }));
}

function together(lists: unknown[][]): unknown[] {
  const length = Math.max(0, ...lists.map((list) => list.length));
  return Array.from({ length }, (_, index) => lists.map((list) => list[index] ?? null));
}

function nested(lists: unknown[][]): unknown[] {
  return lists.reduce<unknown[][]>((product, list) => product.flatMap((prefix) => list.map((item) => [...prefix, item])), [[]]);
}

function sequence(spec: string): unknown[] {
  const args = parseKeyValueArgs(spec, 'shortcut', []);
  const start = Number(args.start ?? 1);
  const end = args.end !== undefined ? Number(args.end) : start + Number(args.count ?? 0) - 1;
  const stride = Number(args.stride ?? 1);
  const format = String(args.format ?? '%d');
  const out: string[] = [];
  for (let value = start; stride > 0 ? value <= end : value >= end; value += stride) out.push(format.replace(/%(\d*)d/, (_m, width: string) => String(value).padStart(Number(width || 0), '0')));
  return out;
}

/** The items a task loops over (`loop` or a `with_*` lookup), or undefined when it does not loop. */
export function loopItems(task: ActionTask, templar: Templar): unknown[] | undefined {
  const keywords = task.keywords;
  if (keywords.loop !== undefined) return asList(templar.render(keywords.loop), 'loop');
  if (keywords.with_items !== undefined) {
    return asList(templar.render(keywords.with_items), 'with_items').flatMap((item) => (Array.isArray(item) ? item : [item]));
  }
  if (keywords.with_list !== undefined) return asList(templar.render(keywords.with_list), 'with_list');
  if (keywords.with_dict !== undefined) return dictItems(templar.render(keywords.with_dict), 'with_dict');
  if (keywords.with_indexed_items !== undefined) {
    return asList(templar.render(keywords.with_indexed_items), 'with_indexed_items').map((item, index) => [index, item]);
  }
  if (keywords.with_together !== undefined) {
    return together(asList(templar.render(keywords.with_together), 'with_together').map((list) => asList(list, 'with_together')));
  }
  if (keywords.with_nested !== undefined) {
    return nested(asList(templar.render(keywords.with_nested), 'with_nested').map((list) => asList(list, 'with_nested')));
  }
  if (keywords.with_sequence !== undefined) return sequence(String(templar.render(keywords.with_sequence)));
  return undefined;
}
