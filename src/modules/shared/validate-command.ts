import { ModuleFailure } from '../contract.js';
import type { ValidationFailed } from './atomic-write.js';
import { splitCommandLine } from './split-command.js';

/** A `validate:` command to run on the new file before it replaces the old one, and how its failure reads. */
export interface ValidateCommand {
  command: string;
  /** The command's words; each `%s` is the new file's path. */
  words: string[];
  failure: (failed: ValidationFailed) => ModuleFailure;
}

/**
 * How each Ansible module words a failed validation: copy (and template, assemble through it) returns the
 * command's output beside "failed to validate"; the in-place editors put rc and stderr in the message.
 */
const FAILURES = {
  copy: (failed: ValidationFailed) => new ModuleFailure('failed to validate', { exit_status: failed.rc, stdout: failed.stdout, stderr: failed.stderr }),
  edit: (failed: ValidationFailed) => new ModuleFailure(`failed to validate: rc:${failed.rc} error:${failed.stderr}`),
};

/** The module's `validate` argument as a command. */
export function validateCommand(command: string | undefined, style: keyof typeof FAILURES): ValidateCommand | undefined {
  if (command === undefined) return undefined;
  return { command, words: splitCommandLine(command), failure: FAILURES[style] };
}

/** Ansible checks for the `%s` placeholder only when it is about to write: a check run or an unchanged file never fails on it. */
export function requirePlaceholder(validate: ValidateCommand | undefined): void {
  if (validate && !validate.command.includes('%s')) throw new ModuleFailure(`validate must contain %s: ${validate.command}`);
}

export const VALIDATE_PROPERTY = {
  validate: {
    type: 'string',
    description: 'A command run on the new temporary file before it replaces the destination (%s is its path); the file is only put in place if the command succeeds.',
  },
};
