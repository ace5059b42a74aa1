import { ModuleFailure } from '../../contract.js';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variables set_fact and set_stats set must be valid names: the first one that is not fails the task, in Ansible's words. */
export function checkVariableNames(names: readonly string[]): void {
  const invalid = names.find((name) => !VARIABLE_NAME.test(name));
  if (invalid !== undefined) {
    throw new ModuleFailure(`The variable name '${invalid}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
  }
}
