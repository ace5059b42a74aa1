import { isTemplateText } from '../modules/args.js';
import { createTemplar } from '../template/templar.js';
import { PlaybookError, type Position } from './source.js';

/**
 * A role name written as a template in `roles:` or import_role, rendered as Ansible renders it while the play
 * loads: with the play's vars (an import_playbook's below them) and the extra vars, never a host's.
 */
export function loadTimeName(name: string, vars: Record<string, unknown> | undefined, where: Position | undefined): string {
  if (!isTemplateText(name) || vars === undefined) return name;
  try {
    return String(createTemplar(vars).render(name));
  } catch (error) {
    throw new PlaybookError(`the role name ${name} cannot be templated while the play loads: ${error instanceof Error ? error.message : String(error)}`, where);
  }
}
