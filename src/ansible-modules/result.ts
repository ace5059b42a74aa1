import { sortedKeys } from '../python/sorted-keys.js';
import type { ExecResult } from '../connection/types.js';
import type { FileDiff, ModuleResult } from '../modules/contract.js';

/** The module's JSON, with lines around it dropped as Ansible's _filter_non_json_lines does. */
function jsonPart(stdout: string): string | undefined {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => /^\s*[[{]/.test(line));
  if (start < 0) return undefined;
  let end = lines.length - 1;
  while (end >= start && !/[\]}]\s*$/.test(lines[end])) end -= 1;
  return end < start ? undefined : lines.slice(start, end + 1).join('\n');
}

/** As Ansible prints a structured before/after: JSON with sorted keys, four-space indent. */
function diffText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return `${JSON.stringify(sortedKeys(value), null, 4)}\n`;
}

/** A module's `diff` (one mapping or a list) as betif-play's before/after pairs. */
function diffsOf(diff: unknown): FileDiff[] {
  const entries = Array.isArray(diff) ? diff : diff && typeof diff === 'object' ? [diff] : [];
  return entries.flatMap((entry: Record<string, unknown>): FileDiff[] => {
    if (typeof entry.prepared === 'string') return [{ before: '', after: '', prepared: entry.prepared }];
    if (!('before' in entry) && !('after' in entry)) return [];
    return [{
      before: diffText(entry.before),
      after: diffText(entry.after),
      ...(entry.before_header === undefined ? {} : { beforeHeader: String(entry.before_header) }),
      ...(entry.after_header === undefined ? {} : { afterHeader: String(entry.after_header) }),
    }];
  });
}

export interface ModuleOutput {
  result: ModuleResult;
  diff: FileDiff[];
}

/** The module's answer as betif-play's result: its JSON minus Ansible's internal keys, the diff set apart. */
export function parseModuleOutput(exec: ExecResult): ModuleOutput {
  const json = jsonPart(exec.stdout);
  let data: unknown;
  try {
    data = json === undefined ? undefined : JSON.parse(json);
  } catch {
    data = undefined;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return {
      result: {
        changed: false,
        failed: true,
        msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error',
        module_stdout: exec.stdout,
        module_stderr: exec.stderr,
        rc: exec.rc,
      },
      diff: [],
    };
  }
  const result: ModuleResult = {};
  for (const [key, value] of Object.entries(data)) if (!key.startsWith('_ansible_')) result[key] = value;
  const diff = diffsOf(result.diff);
  result.changed = Boolean(result.changed);
  return { result, diff };
}
