import { structuredPatch } from 'diff';
import type { FileDiff } from '../modules/contract.js';

/** A hunk range as Python's difflib writes it: "3" for one line, "2,0" for none, else "start,count". */
function range(start: number, count: number): string {
  if (count === 1) return String(start);
  if (count === 0) return `${start - 1},0`;
  return `${start},${count}`;
}

/** A unified diff in the shape Ansible prints under --diff (--- before: PATH / +++ after: PATH, 3 lines of context). */
export function unifiedDiff(change: FileDiff): string {
  if (change.prepared !== undefined) return change.prepared ? `${change.prepared}\n` : '';
  if (change.before === change.after) return '';
  const beforeHeader = change.beforeHeader === undefined ? 'before' : `before: ${change.beforeHeader}`;
  const afterHeader = change.afterHeader ?? change.beforeHeader;
  const patch = structuredPatch('before', 'after', change.before, change.after, undefined, undefined, { context: 3 });
  const lines = [`--- ${beforeHeader}`, `+++ ${afterHeader === undefined ? 'after' : `after: ${afterHeader}`}`];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines);
  }
  return `${lines.join('\n')}\n\n`;
}
