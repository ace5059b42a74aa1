import type { ModuleResult } from '../modules/contract.js';
import { isMapping, mergeHashes } from '../modules/shared/merge-hash.js';

/** set_stats' statistics: per host, and for the whole run under '_run' (as Ansible's AggregateStats.custom). */
export type CustomStats = Map<string, Record<string, unknown>>;

export const RUN_STATS = '_run';

/**
 * AggregateStats.update_custom_stats: a value is added only to one of its type (Python's isinstance: a bool counts as
 * an int, not the other way round); mappings merge, lists join, numbers and text add up.
 */
function aggregated(current: unknown, added: unknown): unknown {
  if (typeof current === 'boolean') return typeof added === 'boolean' ? Number(current) + Number(added) : current;
  if (typeof current === 'number') return typeof added === 'number' || typeof added === 'boolean' ? current + Number(added) : current;
  if (typeof current === 'string') return typeof added === 'string' ? current + added : current;
  if (Array.isArray(current)) return Array.isArray(added) ? [...current, ...added] : current;
  if (isMapping(current)) return isMapping(added) ? mergeHashes(current, added) : current;
  return current;
}

/** Keeps the ansible_stats a result carries (set_stats), for the host or the run, as Ansible's strategy does. */
export function keepCustomStats(stats: CustomStats, host: string, result: ModuleResult): void {
  const given = result.ansible_stats;
  if (!isMapping(given) || !isMapping(given.data) || Object.keys(given.data).length === 0 || result.failed) return;
  const owner = given.per_host === false ? RUN_STATS : host;
  const kept = stats.get(owner) ?? {};
  for (const [name, value] of Object.entries(given.data)) kept[name] = given.aggregate !== false && name in kept ? aggregated(kept[name], value) : value;
  stats.set(owner, kept);
}
