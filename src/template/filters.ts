import { type Callable, guarded, withBuiltinAliases } from './callable.js';
import { COLLECTION_FILTERS } from './filters-collections.js';
import { FORMAT_FILTERS } from './filters-format.js';
import { HASH_FILTERS } from './filters-hash.js';
import { PATH_FILTERS } from './filters-paths.js';
import { RANDOM_FILTERS } from './filters-random.js';
import { TEXT_FILTERS } from './filters-text.js';

/** nunjucks' own filters that already behave like Jinja's; every other filter is ours. */
const KEPT_NUNJUCKS_FILTERS = ['batch', 'center', 'dictsort', 'escape', 'e', 'forceescape', 'safe', 'nl2br', 'slice', 'striptags', 'urlencode', 'urlize', 'wordcount'];

/** Filters that handle an undefined input themselves. */
const UNDEFINED_SAFE_FILTERS = new Set(['default', 'd', 'mandatory']);

export function buildFilters(nunjucksFilters: Record<string, Callable>): Record<string, Callable> {
  const table: Record<string, Callable> = {};
  for (const name of KEPT_NUNJUCKS_FILTERS) table[name] = nunjucksFilters[name];
  Object.assign(table, TEXT_FILTERS, COLLECTION_FILTERS, PATH_FILTERS, HASH_FILTERS, RANDOM_FILTERS, FORMAT_FILTERS);
  const filters: Record<string, Callable> = {};
  for (const [name, fn] of Object.entries(table)) filters[name] = guarded(fn, UNDEFINED_SAFE_FILTERS.has(name));
  return withBuiltinAliases(filters);
}
