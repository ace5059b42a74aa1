import type { FileDiff, ModuleResult } from '../../contract.js';
import type { StateChange } from './dnf-actions.js';
import type { TransactionStep } from './dnf-output.js';
import { nevra, type InstalledPackage } from './dnf-spec.js';

export const CHECK_MODE_MSG = 'Check mode: No changes made, but would have if not in check mode';

function nevrasOf(steps: readonly TransactionStep[], kind: TransactionStep['kind']): string[] {
  return [...new Set(steps.filter((step) => step.kind === kind).map((step) => step.nevra))].sort();
}

/** The result lists (NEVRAs) and Ansible's `results` lines for a transaction. */
export function transactionResult(steps: readonly TransactionStep[], changes: readonly StateChange[]): ModuleResult {
  const installed = nevrasOf(steps, 'installed');
  const upgraded = nevrasOf(steps, 'upgraded');
  const downgraded = nevrasOf(steps, 'downgraded');
  const removed = nevrasOf(steps, 'removed');
  return {
    installed,
    upgraded,
    downgraded,
    removed,
    results: [
      ...installed.map((name) => `Installed: ${name}`),
      ...upgraded.map((name) => `Upgraded: ${name}`),
      ...downgraded.map((name) => `Downgraded: ${name}`),
      ...removed.map((name) => `Removed: ${name}`),
      ...changes.map((change) => change.message),
    ],
  };
}

export const NOTHING_DONE: ModuleResult = { installed: [], upgraded: [], downgraded: [], removed: [], results: [] };

function lines(values: string[]): string {
  return values.length ? `${[...new Set(values)].sort().join('\n')}\n` : '';
}

/**
 * Before/after of everything the transaction touches: the packages it takes out (dnf does not
 * print the version a downgrade replaces, so that comes from rpm), the ones it puts in, and the
 * module streams and groups it changes.
 */
export function transactionDiff(steps: readonly TransactionStep[], changes: readonly StateChange[], installed: readonly InstalledPackage[]): FileDiff {
  const before = steps.filter((step) => step.kind === 'removed' || step.kind === 'replaced').map((step) => step.nevra);
  for (const step of steps.filter((candidate) => candidate.kind === 'downgraded')) {
    const replaced = steps.some((candidate) => candidate.kind === 'replaced' && candidate.name === step.name && candidate.arch === step.arch);
    if (!replaced) before.push(...installed.filter((pkg) => pkg.name === step.name && pkg.arch === step.arch).map(nevra));
  }
  const after = steps.filter((step) => step.kind === 'installed' || step.kind === 'upgraded' || step.kind === 'downgraded').map((step) => step.nevra);
  for (const change of changes) {
    if (change.before) before.push(change.before);
    if (change.after) after.push(change.after);
  }
  return { before: lines(before), after: lines(after), beforeHeader: 'dnf transaction', afterHeader: 'dnf transaction' };
}
