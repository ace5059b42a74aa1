import { readFileSync } from 'node:fs';
import { HumanReporter } from '../output/human.js';
import { emptyStats, type HostStats } from '../runner/events.js';

/** The `stats` of a --json document: Ansible's json callback names `failed` "failures". */
type JsonStats = Record<string, Record<string, number>>;

export class RecapMergeError extends Error {}

function statsOf(file: string): JsonStats {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON';
    throw new RecapMergeError(`${file}: ${reason}; each file must be the --json output of one slice (did that slice stop before running?)`);
  }
  const stats = (document as { stats?: unknown } | null)?.stats;
  if (stats === null || typeof stats !== 'object' || Array.isArray(stats)) throw new RecapMergeError(`${file}: no "stats" in it; each file must be the --json output of one slice`);
  return stats as JsonStats;
}

/**
 * The recap of all slices together: a host's counts are added up over the slices it ran in (a host is in one
 * slice; the implicit localhost runs in every slice).
 */
export function mergeSliceStats(files: readonly string[]): Map<string, HostStats> {
  const merged = new Map<string, HostStats>();
  for (const file of files) {
    for (const [host, counts] of Object.entries(statsOf(file))) {
      const total = merged.get(host) ?? emptyStats();
      total.ok += counts.ok ?? 0;
      total.changed += counts.changed ?? 0;
      total.unreachable += counts.unreachable ?? 0;
      total.failed += counts.failures ?? counts.failed ?? 0;
      total.skipped += counts.skipped ?? 0;
      total.rescued += counts.rescued ?? 0;
      total.ignored += counts.ignored ?? 0;
      merged.set(host, total);
    }
  }
  return merged;
}

/** Ansible's exit code from a recap: 2 when a host failed, 4 when one was unreachable (and none failed), else 0. */
function exitCodeOfRecap(stats: Map<string, HostStats>): number {
  const hosts = [...stats.values()];
  if (hosts.some((host) => host.failed > 0)) return 2;
  if (hosts.some((host) => host.unreachable > 0)) return 4;
  return 0;
}

/** `betif-play recap merge FILES...`: one PLAY RECAP, and the exit code the whole run would have had. */
export function recapMerge(files: readonly string[]): number {
  if (files.length === 0) throw new RecapMergeError('usage: betif-play recap merge SLICE.json...');
  const stats = mergeSliceStats(files);
  new HumanReporter(process.stdout, { verbosity: 0, color: false, columns: 79 }).recap(stats);
  return exitCodeOfRecap(stats);
}
