import { parsePatch } from 'diff';
import type { FileDiff } from '../../contract.js';

/**
 * `kubectl diff` prints `diff -u -N LIVE MERGED` over one file per object (named GROUP.VERSION.KIND.NAMESPACE.NAME).
 * Each object becomes a before/after pair made of its hunks: the changed lines with their context.
 */
export function objectDiffs(kubectlDiff: string): FileDiff[] {
  return parsePatch(kubectlDiff)
    .filter((patch) => patch.hunks.length > 0)
    .map((patch) => {
      const lines = patch.hunks.flatMap((hunk) => hunk.lines).filter((line) => !line.startsWith('\\'));
      const side = (skip: string): string => lines.filter((line) => !line.startsWith(skip)).map((line) => `${line.slice(1)}\n`).join('');
      const object = (patch.newFileName ?? patch.oldFileName ?? '').split('/').pop() ?? '';
      return { before: side('+'), after: side('-'), beforeHeader: object };
    });
}
