import { join } from 'node:path';
import nunjucks from 'nunjucks';
import type { Callable } from './callable.js';
import { TemplateError, asTemplateError } from './errors.js';
import { buildFilters } from './filters.js';
import { toDict } from './filters-collections.js';
import { LOOKUP_GLOBALS } from './lookups.js';
import { capture } from './jinja-runtime.js';
import { installPythonSemantics } from './jinja-semantics.js';
import { type AstNode, internals } from './nunjucks-internals.js';
import { plain } from './python-types.js';
import { buildTests } from './tests.js';

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

interface Compiled {
  template: nunjucks.Template;
  single: boolean;
}

const CACHE_LIMIT = 20_000;

/** Jinja's namespace(): a mutable dict for `{% set ns.found = true %}` inside loops. */
function namespace(...args: unknown[]): Record<string, unknown> {
  return toDict(...args);
}

class Engine {
  private readonly env: nunjucks.Environment;
  private readonly opts: Record<string, unknown>;
  private readonly cache = new Map<string, Compiled>();

  constructor(searchPaths: readonly string[], rawBackslashes: boolean) {
    installPythonSemantics();
    this.opts = { autoescape: false, trimBlocks: true, lstripBlocks: false, dev: true, rawBackslashes };
    // {% include %} and {% import %} look where Ansible looks: each search path's templates/ folder, then itself.
    const loaderPaths = [...searchPaths.flatMap((path) => [join(path, 'templates'), path]), process.cwd()];
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(loaderPaths), this.opts);
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
    Object.assign(internal.globals, { dict: toDict, namespace }, LOOKUP_GLOBALS);
    internal.getFilter = (name) => {
      if (!Object.hasOwn(filters, name)) throw new TemplateError(`No filter named '${name}'.`);
      return filters[name];
    };
    internal.getTest = (name) => {
      if (!Object.hasOwn(tests, name)) throw new TemplateError(`No test named '${name}'.`);
      return tests[name];
    };
  }

  private compile(source: string): Compiled {
    const cached = this.cache.get(source);
    if (cached) return cached;
    const single = isSingleExpression(internals.parser.parse(source, [], this.opts));
    const compiled = { template: new nunjucks.Template(source, this.env, undefined, true), single };
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(source, compiled);
    return compiled;
  }

  /** Renders to text, or with `typed` a lone `{{ expr }}` to expr's value. */
  render(source: string, typed: boolean): unknown {
    const outer = { active: capture.active, value: capture.value };
    try {
      const compiled = this.compile(source);
      capture.active = typed && compiled.single;
      capture.value = undefined;
      const text = compiled.template.render({});
      return capture.active ? plain(capture.value ?? null) : withSourceTrailingNewlines(source, text);
    } catch (error) {
      throw asTemplateError(error, source);
    } finally {
      capture.active = outer.active;
      capture.value = outer.value;
    }
  }
}

const engines = new Map<string, Engine>();

/**
 * One nunjucks environment per search path list and backslash mode. `rawBackslashes` is Ansible's
 * treatment of strings from playbooks; template files and conditions use Jinja's escapes.
 */
export function engineFor(searchPaths: readonly string[], rawBackslashes: boolean): Engine {
  const key = `${rawBackslashes}\0${searchPaths.join('\0')}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = new Engine(searchPaths, rawBackslashes);
    engines.set(key, engine);
  }
  return engine;
}
