import { join } from 'node:path';
import type nunjucks from 'nunjucks';
import { nunjucksLibrary } from './nunjucks-library.js';
import type { Callable } from './callable.js';
import { now } from './datetime.js';
import { PluginLoadError, asTemplateError } from './errors.js';
import { buildFilters } from './filters.js';
import { toDict } from './filters-collections.js';
import { LOOKUP_GLOBALS } from './lookups.js';
import { capture } from './jinja-runtime.js';
import { installPythonSemantics } from './jinja-semantics.js';
import { type AstNode, internals } from './nunjucks-internals.js';
import { pythonStr } from './python-repr.js';
import { plain } from './python-types.js';
import { buildTests } from './tests.js';
import { textToValue } from './text-value.js';
import type { Tags } from './text-options.js';

/** Whether a string needs templating at all; most strings in a playbook do not. */
export function isTemplate(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#');
}

/** True when the source is exactly one `{{ expr }}`: any text around it, even a newline, makes the result text. */
function isSingleExpression(root: AstNode): boolean {
  const children: AstNode[] = root.children;
  const meaningful = children.filter((node) => !(node.typename === 'Output' && node.children.every((child: AstNode) => child.typename === 'TemplateData' && String(child.value) === '')));
  return meaningful.length === 1 && meaningful[0].typename === 'Output' && meaningful[0].children.length === 1 && meaningful[0].children[0].typename !== 'TemplateData';
}

function trailingNewlines(text: string): number {
  return text.length - text.replace(/\n+$/, '').length;
}

/**
 * As Ansible's preserve_trailing_newlines: newlines that end the source but were eaten by trim_blocks
 * after a final block tag are given back, so a template ending in a newline renders to text ending in one.
 */
function withSourceTrailingNewlines(source: string, text: string): string {
  const missing = trailingNewlines(source) - trailingNewlines(text);
  return missing > 0 ? text + '\n'.repeat(missing) : text;
}

/** Jinja drops one newline at the end of a template's source (keep_trailing_newline is off). */
function withoutTrailingNewline(source: string): string {
  return source.replace(/(?:\r\n|\r|\n)$/, '');
}

let JinjaFileLoader: (new (searchPaths: string[]) => nunjucks.FileSystemLoader) | undefined;

/** A loader whose files (loaded by {% include %} and {% import %}) lose their last newline, as Jinja loads them. */
function jinjaFileLoader(searchPaths: string[]): nunjucks.FileSystemLoader {
  JinjaFileLoader ??= class extends nunjucksLibrary().FileSystemLoader {
    getSource(name: string): nunjucks.LoaderSource {
      const source = super.getSource(name);
      if (source) source.src = withoutTrailingNewline(source.src);
      return source;
    }
  };
  return new JinjaFileLoader(searchPaths);
}

export type RenderMode = 'text' | 'native' | 'ansible';

const BARE_VARIABLE = /^\{\{\s*(\w*)\s*\}\}$/;
/** Ansible's STRING_TYPE_FILTERS: a template using one of them at the end of an expression stays text. */
const STRING_TYPE_FILTER = /^.*?\|\s*(?:string|to_json|to_nice_json|to_yaml|to_nice_yaml|ppretty|json)(?:\([^|]*\))?\s*\)?\s*\}\}/s;

/** The same rule, given the value of a lone `{{ expr }}` (lists, dicts and bools read back as themselves). */
function ansibleTyped(source: string, value: unknown): unknown {
  if (BARE_VARIABLE.test(source)) return value;
  if (value === null) return '';
  if (typeof value === 'number') return pythonStr(value);
  if (typeof value === 'string') return textToValue(value);
  // A function (a bound method, `d.values`) is text once templated, as str() prints it.
  if (typeof value === 'function') return pythonStr(value);
  return value;
}

interface Compiled {
  template: nunjucks.Template;
  single: boolean;
  root: AstNode;
}

const CACHE_LIMIT = 20_000;

/** Jinja's namespace(): a mutable dict for `{% set ns.found = true %}` inside loops. */
function namespace(...args: unknown[]): Record<string, unknown> {
  return toDict(...args);
}

/** Conditionals: Jinja looks unknown filters and tests up only when such a branch runs (a "soft" frame). */
const SOFT_NODES = new Set(['If', 'IfAsync', 'InlineIf']);

/** A filter or test name that is not known, outside any conditional, as Jinja's compiler finds it. */
export interface UnknownName {
  kind: 'filter' | 'test';
  name: string;
  line: number;
  column: number;
}

function unknownNames(node: AstNode | undefined, filters: Record<string, unknown>, tests: Record<string, unknown>): UnknownName[] {
  if (!node || typeof node !== 'object' || !node.typename || SOFT_NODES.has(node.typename)) return [];
  const found: UnknownName[] = [];
  if (node.typename === 'Filter' && !Object.hasOwn(filters, node.name.value)) found.push({ kind: 'filter', name: node.name.value, line: node.lineno + 1, column: node.colno + 1 });
  if (node.typename === 'Is' && node.right?.name?.value !== undefined && !Object.hasOwn(tests, node.right.name.value)) {
    found.push({ kind: 'test', name: node.right.name.value, line: node.right.lineno + 1, column: node.right.colno + 1 });
  }
  for (const field of (node.fields as string[] | undefined) ?? []) {
    const value = node[field];
    for (const child of Array.isArray(value) ? value : [value]) found.push(...unknownNames(child, filters, tests));
  }
  return found;
}

class Engine {
  private readonly env: nunjucks.Environment;
  private readonly opts: Record<string, unknown>;
  private readonly cache = new Map<string, Compiled>();

  constructor(searchPaths: readonly string[], rawBackslashes: boolean, syntax: Syntax) {
    installPythonSemantics();
    this.opts = { autoescape: false, trimBlocks: syntax.trimBlocks, lstripBlocks: syntax.lstripBlocks, dev: true, rawBackslashes, ...(syntax.tags ? { tags: syntax.tags } : {}) };
    // {% include %} and {% import %} look where Ansible looks: each search path's templates/ folder, then itself.
    const loaderPaths = [...searchPaths.flatMap((path) => [join(path, 'templates'), path]), process.cwd()];
    this.env = new (nunjucksLibrary().Environment)(jinjaFileLoader(loaderPaths), this.opts);
    const internal = this.env as unknown as {
      filters: Record<string, Callable>;
      tests: Record<string, Callable>;
      globals: Record<string, unknown>;
      getFilter(name: string): Callable;
      getTest(name: string): Callable;
    };
    const filters = buildFilters(internal.filters);
    const tests = buildTests();
    internal.filters = filters;
    internal.tests = tests;
    Object.assign(internal.globals, { dict: toDict, namespace, now }, LOOKUP_GLOBALS);
    internal.getFilter = (name) => {
      if (!Object.hasOwn(filters, name)) throw new PluginLoadError(name);
      return filters[name];
    };
    internal.getTest = (name) => {
      if (!Object.hasOwn(tests, name)) throw new PluginLoadError(name);
      return tests[name];
    };
  }

  private compile(source: string): Compiled {
    const cached = this.cache.get(source);
    if (cached) return cached;
    const root = internals().parser.parse(source, [], this.opts);
    const compiled = { template: new (nunjucksLibrary().Template)(source, this.env, undefined, true), single: isSingleExpression(root), root };
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(source, compiled);
    return compiled;
  }

  /**
   * Compiles without rendering (load-time checks): throws nunjucks' own error for a syntax error, and gives
   * the filters and tests used outside conditionals that do not exist. A `text` source is a template file.
   */
  check(source: string, mode: RenderMode): UnknownName[] {
    const compiled = this.compile(mode === 'text' ? withoutTrailingNewline(source) : source);
    const internal = this.env as unknown as { filters: Record<string, unknown>; tests: Record<string, unknown> };
    return unknownNames(compiled.root, internal.filters, internal.tests);
  }

  /** Filter and test names this environment knows (for "did you mean"). */
  names(kind: 'filter' | 'test'): string[] {
    const internal = this.env as unknown as { filters: Record<string, unknown>; tests: Record<string, unknown> };
    return Object.keys(kind === 'filter' ? internal.filters : internal.tests);
  }

  /**
   * Renders a template: `text` gives the text (template files), `native` the value of a lone `{{ expr }}`
   * (conditions, expressions), `ansible` the value as ansible-core 2.14 types a templated variable.
   */
  render(source: string, requested: RenderMode): unknown {
    const mode = requested === 'ansible' && STRING_TYPE_FILTER.test(source) ? 'text' : requested;
    const outer = { active: capture.active, value: capture.value };
    try {
      // Ansible gives the source's trailing newlines back afterwards (withSourceTrailingNewlines).
      const compiled = this.compile(mode === 'text' ? withoutTrailingNewline(source) : source);
      capture.active = mode !== 'text' && compiled.single;
      capture.value = undefined;
      const text = compiled.template.render({});
      if (mode === 'text') return withSourceTrailingNewlines(source, text);
      if (capture.active) return mode === 'native' ? plain(capture.value ?? null) : ansibleTyped(source, plain(capture.value ?? null));
      return mode === 'native' ? withSourceTrailingNewlines(source, text) : textToValue(withSourceTrailingNewlines(source, text));
    } catch (error) {
      throw asTemplateError(error, source);
    } finally {
      capture.active = outer.active;
      capture.value = outer.value;
    }
  }
}

export type { Tags };

/** Jinja environment settings a template file may change (the template module's options, `#jinja2:` lines). */
export interface Syntax {
  trimBlocks: boolean;
  lstripBlocks: boolean;
  tags?: Tags;
}

/** Ansible's environment: trim_blocks on, lstrip_blocks off, Jinja's delimiters. */
export const ANSIBLE_SYNTAX: Syntax = { trimBlocks: true, lstripBlocks: false };

const engines = new Map<string, Engine>();

/**
 * One nunjucks environment per search path list, backslash mode and syntax. `rawBackslashes` is Ansible's
 * treatment of strings from playbooks; template files and conditions use Jinja's escapes.
 */
export function engineFor(searchPaths: readonly string[], rawBackslashes: boolean, syntax: Syntax = ANSIBLE_SYNTAX): Engine {
  const key = `${rawBackslashes}\0${searchPaths.join('\0')}${syntax === ANSIBLE_SYNTAX ? '' : `\0${JSON.stringify(syntax)}`}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = new Engine(searchPaths, rawBackslashes, syntax);
    engines.set(key, engine);
  }
  return engine;
}
