import type { Connection } from '../../../connection/types.js';
import { ModuleFailure, type ModuleResult } from '../../contract.js';
import { actionCommands, type DnfActions } from './dnf-actions.js';
import { runBatch, type CommandOutcome } from './command-batch.js';
import { dnfError, parseTransaction, type TransactionStep } from './dnf-output.js';
import type { DnfRequest } from './dnf-request.js';
import { transactionResult } from './dnf-report.js';

/** dnf --assumeno resolves, then declines with "Operation aborted." and exit code 1: that is a successful dry run. */
function declined(outcome: CommandOutcome): boolean {
  return outcome.rc === 1 && outcome.stderr.trim().endsWith('Operation aborted.');
}

/** Resolves the actions without running them: every package the transaction would touch. */
export async function previewActions(connection: Connection, request: DnfRequest, actions: DnfActions): Promise<TransactionStep[]> {
  const outcomes = await runBatch(connection, actionCommands(request, actions, true), false);
  const failed = outcomes.find((outcome) => outcome.rc !== 0 && !declined(outcome));
  if (failed) throw new ModuleFailure(dnfError(failed), { rc: failed.rc, stdout: failed.stdout, stderr: failed.stderr });
  return outcomes.flatMap((outcome) => parseTransaction(outcome.stdout));
}

/** Runs the actions in order, stopping at the first failure; reports what dnf really did. */
export async function applyActions(connection: Connection, request: DnfRequest, actions: DnfActions): Promise<ModuleResult> {
  const outcomes = await runBatch(connection, actionCommands(request, actions, false), true);
  const done = outcomes.filter((outcome) => outcome.rc === 0);
  const steps = done.flatMap((outcome) => parseTransaction(outcome.stdout));
  const failed = outcomes.find((outcome) => outcome.rc !== 0);
  if (failed) {
    throw new ModuleFailure(dnfError(failed), { rc: failed.rc, stdout: failed.stdout, stderr: failed.stderr, ...transactionResult(steps, []) });
  }
  return { msg: '', rc: 0, ...transactionResult(steps, actions.changes), changed: steps.length > 0 || actions.changes.length > 0 };
}
