import { pyChoice, pyRandom, pyRandrange, pyShuffle } from '../python/random.js';
import { bindArgs } from './args.js';
import type { Callable } from './callable.js';
import { TemplateError } from './errors.js';
import { truthy } from './python-ops.js';
import { isDict, isText } from './python-types.js';

/** Ansible's random: randrange(start, end, step) for a number, choice() for a sequence; seeded as Python's Random(seed). */
function random(end: unknown, ...args: unknown[]): unknown {
  const [start, step, seed] = bindArgs('random', args, ['start', 'step', 'seed'], [null, null, null]);
  const generator = pyRandom(seed);
  if (typeof end === 'number' && Number.isInteger(end)) {
    try {
      return pyRandrange(generator, truthy(start) ? Number(start) : 0, end, truthy(step) ? Number(step) : 1);
    } catch (error) {
      throw new TemplateError((error as Error).message);
    }
  }
  if (typeof end === 'boolean') return pyRandrange(generator, truthy(start) ? Number(start) : 0, Number(end), truthy(step) ? Number(step) : 1);
  if (Array.isArray(end) || isText(end) || isDict(end)) {
    if (truthy(start) || truthy(step)) throw new TemplateError('start and step can only be used with integer values');
    const items = Array.isArray(end) ? end : isText(end) ? [...end.toString()] : Object.keys(end);
    if (items.length === 0) throw new TemplateError('Cannot choose from an empty sequence');
    return pyChoice(generator, items);
  }
  throw new TemplateError('random can only be used on sequences and integers');
}

/** Ansible's shuffle: a shuffled copy; a falsy seed means an unseeded shuffle. */
function shuffle(value: unknown, ...args: unknown[]): unknown {
  const [seed] = bindArgs('shuffle', args, ['seed'], [null]);
  const items = Array.isArray(value) ? [...value] : isText(value) ? [...value.toString()] : isDict(value) ? Object.keys(value) : undefined;
  if (!items) return value;
  return pyShuffle(pyRandom(truthy(seed) ? seed : null), items);
}

export const RANDOM_FILTERS: Record<string, Callable> = { random, shuffle };
