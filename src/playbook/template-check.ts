/** Load-time Jinja checks: a template is compiled, never rendered, so no variable needs a value yet. */
import { suggestion } from './keyword-check.js';
import { engineFor, isTemplate, type UnknownName } from '../template/engine.js';
import { checkTemplateText } from '../template/templar.js';
import type { TextOptions } from '../template/text-options.js';
import { keyPositionOf, PlaybookError, type Position } from './source.js';

/** What is wrong with a template, and where in its own text when the compiler says. */
export interface TemplateProblem {
  reason: string;
  line?: number;
  column?: number;
}

/** nunjucks writes "(path) [Line 3, Column 10]\n  reason" (the position is sometimes missing). */
function problemOf(error: unknown): TemplateProblem {
  const message = error instanceof Error ? error.message : String(error);
  const where = /\[Line (\d+)(?:, Column (\d+))?\]/.exec(message);
  const reason = message.replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*/, '').replace(/^(?:Template render error|Error): /, '').replace(/^parse\w+: /, '');
  return { reason, ...(where ? { line: Number(where[1]), ...(where[2] ? { column: Number(where[2]) } : {}) } : {}) };
}

function unknownProblem(unknown: UnknownName, known: string[]): TemplateProblem {
  const near = suggestion(unknown.name, known);
  return { reason: `no ${unknown.kind} named '${unknown.name}'${near ? ` (did you mean '${near}'?)` : ''}`, line: unknown.line, column: unknown.column };
}

function checked(run: () => UnknownName[]): TemplateProblem | undefined {
  let unknown: UnknownName[];
  try {
    unknown = run();
  } catch (error) {
    return problemOf(error);
  }
  const [first] = unknown;
  return first ? unknownProblem(first, engineFor([], true).names(first.kind)) : undefined;
}

/** A string from a playbook (an argument, a name, a var): templated only when it holds Jinja delimiters. */
export function stringProblem(text: string): TemplateProblem | undefined {
  return isTemplate(text) ? checked(() => engineFor([], true).check(text, 'ansible')) : undefined;
}

/** A condition (`when`, `failed_when`, ...): a bare expression, or text with delimiters rendered first. */
export function conditionProblem(text: string): TemplateProblem | undefined {
  if (text.trim() === '') return undefined;
  if (isTemplate(text)) return stringProblem(text);
  return checked(() => engineFor([], false).check(`{{ ${text} }}`, 'native'));
}

/** A template file's whole text (the `template` module's src), with its `#jinja2:` overrides. */
export function templateFileProblem(text: string, options: TextOptions = {}): TemplateProblem | undefined {
  return checked(() => checkTemplateText(text, options));
}

/** Keywords whose strings are bare Jinja expressions (Ansible's conditionals). */
const CONDITION_KEYWORDS = new Set(['when', 'changed_when', 'failed_when', 'until']);

function failWith(problem: TemplateProblem, text: string, key: string, where: Position | undefined): never {
  const line = problem.line !== undefined && text.includes('\n') ? ` (line ${problem.line} of the string)` : '';
  const what = CONDITION_KEYWORDS.has(key) ? `the conditional check '${text}' in '${key}' is invalid` : `template error in '${key}'`;
  throw new PlaybookError(`${what}${line}: ${problem.reason}${CONDITION_KEYWORDS.has(key) ? '' : `. String: ${text}`}`, where);
}

function checkValue(value: unknown, key: string, where: Position | undefined, condition: boolean): void {
  if (typeof value === 'string') {
    const problem = condition ? conditionProblem(value) : stringProblem(value);
    if (problem) failWith(problem, value, key, where);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) checkValue(item, key, where, condition);
    return;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const map = value as Record<string, unknown>;
    for (const [inner, item] of Object.entries(map)) {
      const at = keyPositionOf(map, inner) ?? where;
      const keyProblem = stringProblem(inner);
      if (keyProblem) failWith(keyProblem, inner, `${key}.${inner}`, at);
      checkValue(item, `${key}.${inner}`, at, false);
    }
  }
}

/**
 * Compiles every templated string of a play, block or task mapping as written (keywords, module arguments,
 * vars), so a Jinja syntax error stops the run before any host is contacted. `skip` names keys that hold no
 * template (nested task lists are checked as tasks of their own).
 */
export function checkTemplatesIn(map: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): void {
  for (const [key, value] of Object.entries(map)) {
    if (skip.has(key)) continue;
    checkValue(value, key, keyPositionOf(map, key), CONDITION_KEYWORDS.has(key));
  }
}

/** A vars file's values (vars_files, a role's defaults and vars): every templated string compiled. */
export function checkTemplatesInFile(data: unknown): void {
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) checkTemplatesIn(data as Record<string, unknown>);
}
