import { randomBytes } from 'node:crypto';
import { pythonLiteralOrText } from '../python/literal.js';
import { ANSIBLE_SYNTAX, type Syntax, type Tags, type UnknownName, engineFor, isTemplate } from './engine.js';
import type { TextOptions } from './text-options.js';
import { TemplateError, UndefinedVariableError } from './errors.js';
import { truthy } from './python-ops.js';
import { pythonRepr } from './python-repr.js';
import { runLookup } from './lookups.js';
import type { LookupContext } from './lookup-types.js';
import { isDict } from './python-types.js';
import { MISSING, type Scope, inScope } from './scope.js';
import { isUnsafe, markUnsafe, stripUnsafe, UnsafeText, unsafeResult, wrapUnsafe } from './unsafe.js';

export { TemplateError, UndefinedVariableError, markUnsafe, stripUnsafe, UnsafeText };
export type { TextOptions };

/**
 * Where a variables mapping lists the variables reachable by name but not through `vars` (those Ansible's play
 * context fills in after it built `vars`).
 */
export const UNLISTED = Symbol('variables not listed in vars');

type UnlistingVars = Record<string, unknown> & { [UNLISTED]?: ReadonlySet<string> };

/** The value of `omit`: the runner drops module arguments equal to it. */
export const OMIT = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

export interface Templar {
  /** Deep: every string templated; arrays/objects recursively; other types unchanged. */
  render(value: unknown): unknown;
  /**
   * As render, but unsafe text stays unsafe, and so does the text of a template that read unsafe values (Ansible's
   * AnsibleUnsafeText): for values that become variables (set_fact's arguments, loop items) and must not be templated
   * again when read.
   */
  renderKeepingUnsafe(value: unknown): unknown;
  /** A bare Jinja2 expression ("x | default(3)", "a.b[0]") to its typed value. */
  evaluate(expression: string): unknown;
  /** when/changed_when/failed_when/until: a list means all; booleans pass; Jinja truthiness. */
  condition(expression: string | boolean | unknown[]): boolean;
  /** A whole template file's text ({% for %}, {% if %}, macros ...) to a string (template module). */
  renderText(text: string, options?: TextOptions): string;
  /** Runs a lookup plugin on already templated terms (the `with_<lookup>` loops). */
  query(name: string, terms: unknown[], context: LookupContext): unknown[];
}

const OVERRIDE_PREFIX = '#jinja2:';

const OVERRIDE_TAGS: Record<string, keyof Tags> = {
  block_start_string: 'blockStart',
  block_end_string: 'blockEnd',
  variable_start_string: 'variableStart',
  variable_end_string: 'variableEnd',
  comment_start_string: 'commentStart',
  comment_end_string: 'commentEnd',
};

/** Applies a `#jinja2: trim_blocks: False, lstrip_blocks: True` first line (Python literals) and removes it. */
function withOverrides(text: string, options: TextOptions): { source: string; options: TextOptions } {
  if (!text.startsWith(OVERRIDE_PREFIX)) return { source: text, options };
  const eol = text.indexOf('\n');
  const line = text.slice(OVERRIDE_PREFIX.length, eol === -1 ? undefined : eol);
  const overridden: TextOptions = { ...options, tags: { ...options.tags } };
  for (const pair of line.split(',')) {
    const colon = pair.indexOf(':');
    if (colon === -1) throw new TemplateError(`failed to parse jinja2 override '${pair.trim()}'. Did you use something different from colon as key-value separator?`);
    const key = pair.slice(0, colon).trim();
    const raw = pair.slice(colon + 1).trim();
    const value = pythonLiteralOrText(raw);
    if (value === raw && !/^(['"]).*\1$/s.test(raw)) throw new TemplateError(`malformed node or string in jinja2 override: ${raw}`);
    if (key === 'trim_blocks') overridden.trimBlocks = truthy(value);
    else if (key === 'lstrip_blocks') overridden.lstripBlocks = truthy(value);
    else if (key === 'newline_sequence') overridden.newlineSequence = String(value);
    else if (Object.hasOwn(OVERRIDE_TAGS, key)) overridden.tags![OVERRIDE_TAGS[key]] = String(value);
  }
  return { source: eol === -1 ? '' : text.slice(eol + 1), options: overridden };
}

/**
 * Compiles a template file's text without rendering it (load-time checks), with its `#jinja2:` overrides;
 * throws the compiler's error, or gives the unknown filters and tests it uses.
 */
export function checkTemplateText(text: string, options: TextOptions = {}): UnknownName[] {
  const { source, options: effective } = withOverrides(text, options);
  const syntax = syntaxOf(effective);
  return startsTemplate(source, syntax.tags) ? engineFor([], false, syntax).check(source, 'text') : [];
}

function syntaxOf(options: TextOptions): Syntax {
  const tags = Object.fromEntries(Object.entries(options.tags ?? {}).filter(([, value]) => value !== undefined && value !== null));
  const trimBlocks = options.trimBlocks ?? true;
  const lstripBlocks = options.lstripBlocks ?? false;
  if (trimBlocks && !lstripBlocks && Object.keys(tags).length === 0) return ANSIBLE_SYNTAX;
  return { trimBlocks, lstripBlocks, ...(Object.keys(tags).length > 0 ? { tags } : {}) };
}

function startsTemplate(text: string, tags: Tags | undefined): boolean {
  if (!tags) return isTemplate(text);
  return [tags.variableStart ?? '{{', tags.blockStart ?? '{%', tags.commentStart ?? '{#'].some((start) => text.includes(start));
}

/**
 * Lists and dicts already walked and found to hold no template text (facts, registered results),
 * so later renders skip them. Variable data is treated as immutable once handed to a Templar.
 */
const templateFree = new WeakSet<object>();

/** Of those, the ones holding unsafe values: a template reading them gives an unsafe result. */
const holdsUnsafe = new WeakSet<object>();

/**
 * Leaves a list or dict out of templating without making what reads it unsafe: views such as `hostvars`, whose
 * values are templated as they are read. Returns the value.
 */
export function leaveUntemplated<T extends object>(value: T): T {
  templateFree.add(value);
  return value;
}

class VariableTemplar implements Templar, Scope {
  /** Variables already templated during the current call (a var used in a loop is rendered once). */
  private readonly resolved = new Map<string, unknown>();
  private readonly resolving = new Set<string>();
  /** Of those, the ones whose value is unsafe. */
  private readonly resolvedUnsafe = new Set<string>();
  /** Whether the template being rendered has read an unsafe value or run a lookup (Ansible's context.unsafe). */
  private readUnsafe = false;
  private depth = 0;
  private varsView?: Record<string, unknown>;

  constructor(
    private readonly vars: Record<string, unknown>,
    readonly searchPaths: readonly string[],
  ) {}

  render(value: unknown): unknown {
    return this.enter(() => this.renderDeep(value, false));
  }

  renderKeepingUnsafe(value: unknown): unknown {
    return this.enter(() => this.renderDeep(value, true));
  }

  evaluate(expression: string): unknown {
    return this.enter(() => (isTemplate(expression) ? this.renderDeep(expression, false) : engineFor(this.searchPaths, false).render(`{{ ${expression} }}`, 'native')));
  }

  /** Ansible's Conditional: templating delimiters in a condition are rendered first, then evaluated. */
  condition(expression: string | boolean | unknown[]): boolean {
    if (Array.isArray(expression)) return expression.every((item) => this.condition(item as string));
    if (typeof expression === 'boolean') return expression;
    if (expression === null || expression === undefined) return true;
    if (typeof expression !== 'string') return truthy(expression);
    if (expression.trim() === '') return true;
    let text = expression;
    if (isTemplate(expression)) {
      const rendered = this.render(expression);
      if (typeof rendered !== 'string') return truthy(rendered);
      if (rendered.trim() === '') return false;
      text = rendered;
    }
    return truthy(this.evaluate(text));
  }

  renderText(text: string, options: TextOptions = {}): string {
    if (options.vars) return new VariableTemplar({ ...this.vars, ...options.vars }, this.searchPaths).renderText(text, { ...options, vars: undefined });
    const { source, options: effective } = withOverrides(text, options);
    const syntax = syntaxOf(effective);
    const paths = effective.includePaths ? [...this.searchPaths, ...effective.includePaths] : this.searchPaths;
    const rendered = this.enter(() => (startsTemplate(source, syntax.tags) ? String(engineFor(paths, false, syntax).render(source, 'text')) : source));
    const newline = effective.newlineSequence ?? '\n';
    return newline === '\n' ? rendered : rendered.replace(/\r\n|\r|\n/g, newline);
  }

  /** A with_ loop's items are unsafe, as Ansible wraps them: never templated, and so is what a template builds from them. */
  query(name: string, terms: unknown[], context: LookupContext): unknown[] {
    return this.enter(() => runLookup(name, terms, {}, context)).map(wrapUnsafe);
  }

  variableNames(): string[] {
    return Object.keys(this.vars);
  }

  resolve(name: string): unknown {
    if (!Object.hasOwn(this.vars, name)) {
      if (name === 'omit') return OMIT;
      if (name === 'vars') return this.allVariables();
      return MISSING;
    }
    if (this.resolved.has(name)) {
      if (this.resolvedUnsafe.has(name)) this.readUnsafe = true;
      return this.resolved.get(name);
    }
    const raw = this.vars[name];
    if (this.resolving.has(name)) throw new TemplateError(`recursive loop detected in template string: ${typeof raw === 'string' ? raw : pythonRepr(raw)}`);
    this.resolving.add(name);
    const outer = this.readUnsafe;
    this.readUnsafe = false;
    try {
      const value = this.renderDeep(raw, false);
      this.resolved.set(name, value);
      if (this.readUnsafe) this.resolvedUnsafe.add(name);
      return value;
    } finally {
      this.resolving.delete(name);
      this.readUnsafe ||= outer;
    }
  }

  noteUnsafe(): void {
    this.readUnsafe = true;
  }

  /** Ansible's `vars` variable: every variable by name (but the unlisted ones), each templated when read. */
  private allVariables(): Record<string, unknown> {
    const unlisted = (this.vars as UnlistingVars)[UNLISTED];
    const listed = (key: string | symbol): key is string => typeof key === 'string' && Object.hasOwn(this.vars, key) && !unlisted?.has(key);
    this.varsView ??= new Proxy(this.vars, {
      get: (_target, key) => (listed(key) ? this.resolve(key) : undefined),
      has: (_target, key) => listed(key),
      ownKeys: (target) => Reflect.ownKeys(target).filter((key) => typeof key !== 'string' || !unlisted?.has(key)),
      getOwnPropertyDescriptor: (target, key) => {
        if (typeof key === 'string' && unlisted?.has(key)) return undefined;
        const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
        return descriptor && listed(key) ? { ...descriptor, value: this.resolve(key) } : descriptor;
      },
    });
    return this.varsView;
  }

  private enter<T>(run: () => T): T {
    this.depth += 1;
    try {
      return inScope(this, run);
    } finally {
      this.depth -= 1;
      if (this.depth === 0) {
        this.resolved.clear();
        this.resolvedUnsafe.clear();
        this.readUnsafe = false;
      }
    }
  }

  /**
   * Templates strings inside the value; containers are copied only where something changed. Unsafe values are
   * handed on untemplated and noted, as is a container holding them; unsafe text becomes plain text unless kept.
   */
  private renderDeep(value: unknown, keepUnsafe: boolean): unknown {
    if (typeof value === 'string') return isTemplate(value) ? this.renderTemplate(value, keepUnsafe) : value;
    if (value === null || typeof value !== 'object') return value;
    if (isUnsafe(value)) {
      this.readUnsafe = true;
      return value instanceof UnsafeText && !keepUnsafe ? value.toString() : value;
    }
    if (templateFree.has(value)) {
      if (holdsUnsafe.has(value)) this.readUnsafe = true;
      return value;
    }
    const outer = this.readUnsafe;
    this.readUnsafe = false;
    const rendered = Array.isArray(value) ? this.renderList(value, keepUnsafe) : isDict(value) ? this.renderDict(value, keepUnsafe) : value;
    // Kept unsafe text leaves a container as it is: only a plain render proves it has nothing to change.
    if (rendered === value && !keepUnsafe) {
      templateFree.add(value);
      if (this.readUnsafe) holdsUnsafe.add(value);
    }
    this.readUnsafe ||= outer;
    return rendered;
  }

  /** One template string: what it gives is unsafe when it read unsafe values (Ansible's do_template); text only when kept. */
  private renderTemplate(text: string, keepUnsafe: boolean): unknown {
    const outer = this.readUnsafe;
    this.readUnsafe = false;
    const rendered = engineFor(this.searchPaths, true).render(text, 'ansible');
    const result = this.readUnsafe ? (keepUnsafe ? wrapUnsafe(rendered) : unsafeResult(rendered)) : rendered;
    this.readUnsafe ||= outer;
    return result;
  }

  private renderList(value: unknown[], keepUnsafe: boolean): unknown[] {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const rendered = this.renderDeep(item, keepUnsafe);
      if (rendered !== item) (copy ??= [...value])[i] = rendered;
    });
    return copy ?? value;
  }

  private renderDict(value: Record<string, unknown>, keepUnsafe: boolean): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const renderedKey = isTemplate(key) ? String(this.renderDeep(key, false)) : key;
      const rendered = this.renderDeep(item, keepUnsafe);
      if (rendered === item && renderedKey === key) continue;
      copy ??= { ...value };
      if (renderedKey !== key) delete copy[key];
      copy[renderedKey] = rendered;
    }
    return copy ?? value;
  }
}

export function createTemplar(vars: Record<string, unknown>, options: { searchPaths?: string[] } = {}): Templar {
  return new VariableTemplar(vars, options.searchPaths ?? []);
}
