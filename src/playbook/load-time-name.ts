import { isTemplateText } from '../modules/args.js';
import { createTemplar } from '../template/templar.js';
import { PlaybookError, type Position } from './source.js';

/** Renders a template as Ansible renders one while the play loads: with the play's vars (an import_playbook's below them) and the extra vars, never a host's. */
function renderAtLoad(text: string, vars: Record<string, unknown>, what: string, where: Position | undefined): unknown {
  try {
    return createTemplar(vars).render(text);
  } catch (error) {
    throw new PlaybookError(`${what} ${text} cannot be templated while the play loads: ${error instanceof Error ? error.message : String(error)}`, where);
  }
}

/** A name written as a template (a file to import, a role's tasks_from), rendered while the play loads. */
export function loadTimeText(text: string, vars: Record<string, unknown> | undefined, what: string, where: Position | undefined): string {
  if (!isTemplateText(text) || vars === undefined) return text;
  return String(renderAtLoad(text, vars, what, where));
}

/** A role name written as a template in `roles:` or import_role, rendered while the play loads. */
export function loadTimeName(name: string, vars: Record<string, unknown> | undefined, where: Position | undefined): string {
  return loadTimeText(name, vars, 'the role name', where);
}

/** A yes/no option of a role import (allow_duplicates, rolespec_validate), a template rendered while the play loads; absent gives the fallback. */
export function loadTimeFlag(value: unknown, vars: Record<string, unknown> | undefined, option: string, where: Position | undefined, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  const rendered = typeof value === 'string' && isTemplateText(value) && vars !== undefined ? renderAtLoad(value, vars, `the ${option} value`, where) : value;
  if (typeof rendered === 'string') return ['yes', 'true', 'on', '1', 'y'].includes(rendered.toLowerCase());
  return Boolean(rendered);
}
