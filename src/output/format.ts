import { sortedKeys } from '../python/sorted-keys.js';
import type { HostStats } from '../runner/events.js';

/** Ansible's banner: the title, a space, then stars up to the terminal width (79 columns when not a terminal). */
export function banner(title: string, columns: number): string {
  const stars = Math.max(3, columns - title.length);
  return `\n${title} ${'*'.repeat(stars)}`;
}

/** JSON like Python's json.dumps(sort_keys=True): `{"a": 1, "b": [1, 2]}` on one line, or indented by 4. */
export function dumpResult(result: Record<string, unknown>, indent: boolean): string {
  const sorted = sortedKeys(result);
  if (indent) return JSON.stringify(sorted, null, 4);
  return JSON.stringify(sorted, null, 1).replace(/\n\s*/g, (match, offset: number, text: string) => {
    const previous = text[offset - 1];
    const next = text[offset + match.length];
    if (previous === '[' || previous === '{' || next === ']' || next === '}') return '';
    return ' ';
  });
}

export function recapLine(host: string, stats: HostStats): string {
  const field = (name: string, value: number) => `${name}=${String(value).padEnd(4)}`;
  return `${host.padEnd(26)} : ${[
    field('ok', stats.ok),
    field('changed', stats.changed),
    field('unreachable', stats.unreachable),
    field('failed', stats.failed),
    field('skipped', stats.skipped),
    field('rescued', stats.rescued),
    field('ignored', stats.ignored),
  ].join(' ')}`;
}

/** Ansible's warning for a part of a host pattern (a play's, or --limit) that matches no host. */
export function unmatchedPatternWarning(part: string): string {
  return `Could not match supplied host pattern, ignoring: ${part}`;
}
