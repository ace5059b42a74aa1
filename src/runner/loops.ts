import { type Templar, TemplateError, UndefinedVariableError } from '../template/templar.js';
import { isUnsafe, markUnsafe, wrapUnsafe } from '../template/unsafe.js';
import type { ActionTask } from '../playbook/types.js';
import { pythonStr } from '../template/python-repr.js';
import { isDict, isTuple, plain } from '../template/python-types.js';

/** A loop that cannot be evaluated: its message is the task's, with no position (as Ansible's). */
export class LoopError extends Error {}

/** The items of `loop`; those of an unsafe list are unsafe each, as Ansible's wrapped list. */
function loopList(value: unknown): unknown[] {
  if (Array.isArray(value)) return isUnsafe(value) ? value.map(listOfTuple).map(wrapUnsafe) : value.map(listOfTuple);
  throw new LoopError(`Invalid data passed to 'loop', it requires a list, got this instead: ${pythonStr(value)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`);
}

/** Ansible's loop items are lists where a filter or lookup gave tuples (zip, with_subelements, with_indexed_items). */
function listOfTuple(item: unknown): unknown {
  if (!isTuple(item)) return item;
  return isUnsafe(item) ? markUnsafe([...item]) : [...item];
}

/** As Ansible's task executor tells a with_ lookup (first_found) which folder to look in, from the action's name. */
function lookupSubdir(action: string | undefined): string {
  const name = action ?? '';
  if (name.includes('template')) return 'templates';
  if (name.includes('var')) return 'vars';
  return 'files';
}

/**
 * with_first_found's terms: a file name using an undefined variable is skipped rather than failing the task,
 * as Ansible leaves it untemplated and first_found passes over it.
 */
function firstFoundTerms(value: unknown, templar: Templar): unknown {
  if (Array.isArray(value)) return value.map((item) => firstFoundTerms(item, templar)).filter((item) => item !== SKIPPED);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, firstFoundTerms(item, templar)]).map(([key, item]) => [key, item === SKIPPED ? [] : item]));
  }
  try {
    return templar.render(value);
  } catch (error) {
    if (error instanceof UndefinedVariableError) return SKIPPED;
    throw error;
  }
}

const SKIPPED = Symbol('skipped first_found candidate');

/** listify_lookup_plugin_terms: a list as it is, anything else a list of one. */
function lookupTerms(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

const LIST_ONLY_LOOKUPS = new Set(['list', 'indexed_items']);

/** The items a task loops over (`loop`, or any `with_<lookup>`), or undefined when it does not loop. */
export function loopItems(task: ActionTask, templar: Templar): unknown[] | undefined {
  const keywords = task.keywords;
  if (keywords.loop !== undefined) return loopList(templar.renderKeepingUnsafe(keywords.loop));
  const keyword = Object.keys(keywords).find((key) => key.startsWith('with_'));
  if (keyword === undefined) return undefined;
  const name = keyword.slice('with_'.length);
  const terms = name === 'first_found' ? firstFoundTerms(keywords[keyword], templar) : templar.render(keywords[keyword]);
  // Ansible hands a mapping to the lookup as it is (a dict is iterable): these lookups refuse it.
  if (LIST_ONLY_LOOKUPS.has(name) && isDict(plain(terms))) throw new LoopError(`with_${name} expects a list`);
  try {
    return templar.query(name, lookupTerms(terms), { subdir: lookupSubdir(task.action) }).map(listOfTuple);
  } catch (error) {
    // A with_ lookup's own error is the task's message as it is (Ansible: AnsibleError from _get_loop_items).
    if (error instanceof TemplateError && !(error instanceof UndefinedVariableError)) throw new LoopError(error.message);
    throw error;
  }
}
