/**
 * Gives nunjucks Jinja2's Python semantics, as Ansible users expect them. nunjucks compiles templates to
 * JavaScript that calls `runtime.*` helpers and uses JS operators; installJinjaCompat() adds Python methods
 * and slices, and these patches (the same mechanism) make the rest Python-like: truthiness ([] and {} are
 * false), `==` on lists, `+` on lists, `~` and output printing with str(), StrictUndefined instead of JS
 * undefined, `x is test arg` syntax, and string literals with Python's backslash rules.
 */
import nunjucks from 'nunjucks';
import { memberLookup, sliceLookup } from './python-methods.js';
import { pyArithmetic, pyCompare, pyConcat, pyContains, pyNegate, truthy } from './python-ops.js';
import { pythonStr } from './python-repr.js';
import { isDict, plain } from './python-types.js';
import { MISSING, currentScope } from './scope.js';
import { TemplateError } from './errors.js';
import { assertDefined, isUndefined, undefinedVariable } from './undefined.js';

/* The internals below are untyped JavaScript; these shapes cover what the patches touch. */
interface Token { type: string; value: string; lineno: number; colno: number }
interface AstNode { lineno: number; colno: number; [field: string]: any }
type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => AstNode;
interface CompilerThis {
  _emit(code: string): void;
  compile(node: AstNode, frame: unknown): void;
  _compileAggregate(node: AstNode, frame: unknown, start: string, end: string): void;
}
interface ParserThis {
  parseCompare(): AstNode;
  parsePrimary(): AstNode;
  parseSignature(): AstNode;
  skipSymbol(name: string): boolean;
  skipValue(type: string, value: string): boolean;
  nextToken(): Token | null;
  peekToken(): Token | null;
  expect(type: string): Token;
  fail(message: string, lineno?: number, colno?: number): never;
}
interface TokenizerThis {
  str: string;
  index: number;
  lineno: number;
  colno: number;
  in_code: boolean;
  trimBlocks: boolean;
  openCurlies?: number;
  inVariable?: boolean;
  rawBackslashes?: boolean;
  current(): string;
  forward(): void;
  isFinished(): boolean;
}
interface Context {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown>; getTest(name: string): (...args: unknown[]) => unknown };
}
interface Frame { lookup(name: string): unknown }

const internals = nunjucks as unknown as {
  runtime: Record<string, any>;
  compiler: { Compiler: { prototype: Record<string, any> } };
  parser: { Parser: { prototype: Record<string, any> } };
  lexer: Record<string, any>;
  nodes: Record<string, any>;
};
const { runtime, nodes, lexer } = internals;

/** Output capture: a template that is one `{{ expr }}` yields expr's value instead of its text. */
export const capture = { active: false, value: undefined as unknown };

function printable(value: unknown): string {
  if (capture.active) {
    assertDefined(value);
    capture.value = value;
    return '';
  }
  if (typeof value === 'string') return value;
  // Ansible prints None as an empty string inside text.
  if (value === null || value === undefined) return '';
  return pythonStr(value);
}

const PY_NAMES: Record<string, unknown> = { True: true, False: false, None: null };

function lookupName(context: Context, frame: Frame, name: string): unknown {
  const local = frame.lookup(name);
  if (local !== undefined) return local;
  if (Object.hasOwn(context.ctx, name)) return context.ctx[name];
  const variable = currentScope().resolve(name);
  if (variable !== MISSING) return variable;
  if (Object.hasOwn(context.env.globals, name)) return context.env.globals[name];
  if (Object.hasOwn(PY_NAMES, name)) return PY_NAMES[name];
  return undefinedVariable(name);
}

function iterable(value: unknown): unknown {
  if (isUndefined(value)) value.fail();
  const v = plain(value);
  if (isDict(v)) return Object.keys(v);
  if (v instanceof Set || v instanceof Map) return [...v];
  return v;
}

function callWrap(fn: unknown, name: string, context: Context, args: unknown[]): unknown {
  if (isUndefined(fn)) fn.fail();
  if (typeof fn !== 'function') throw new TemplateError(`'${name}' is not callable`);
  return fn.apply(context, args);
}

function applyTest(env: Context['env'], context: Context, name: string, value: unknown, args: unknown[]): boolean {
  return truthy(env.getTest(name).call(context, value, ...args));
}

function assign(target: unknown, key: unknown, value: unknown): void {
  if (isUndefined(target)) target.fail();
  if (!isDict(target)) throw new TemplateError('can only assign attributes of a namespace or dict');
  target[String(key)] = value;
}

function patchRuntime(): void {
  runtime.suppressValue = printable;
  runtime.contextOrFrameLookup = lookupName;
  runtime.memberLookup = (obj: unknown, key: unknown, ...slice: unknown[]) => (slice.length === 2 ? sliceLookup(obj, key, slice[0], slice[1]) : memberLookup(obj, key));
  runtime.fromIterator = iterable;
  runtime.callWrap = callWrap;
  runtime.inOperator = (item: unknown, container: unknown) => pyContains(container, item);
  runtime.py = { truthy, compare: pyCompare, arith: pyArithmetic, concat: pyConcat, negate: pyNegate, test: applyTest, assign };
}

function patchCompiler(): void {
  const compiler = internals.compiler.Compiler.prototype;
  const PyTruthy: NodeClass = nodes.Node.extend('PyTruthy', { fields: ['target'] });
  const assertType = compiler.assertType;
  compiler.assertType = function (this: unknown, node: AstNode, ...types: unknown[]) {
    if (!(node instanceof PyTruthy)) assertType.call(this, node, ...types);
  };
  compiler.compilePyTruthy = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('runtime.py.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  const compileIf = compiler.compileIf;
  compiler.compileIf = function (this: unknown, node: AstNode, frame: unknown, async: boolean) {
    if (!(node.cond instanceof PyTruthy)) node.cond = new PyTruthy(node.cond.lineno, node.cond.colno, node.cond);
    return compileIf.call(this, node, frame, async);
  };
  compiler.compileInlineIf = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('(runtime.py.truthy(');
    this.compile(node.cond, frame);
    this._emit(') ? (');
    this.compile(node.body, frame);
    this._emit(') : (');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit('))');
  };
  // Python's `and`/`or` return an operand and short-circuit; the arrow keeps the right side lazy.
  const logical = (whenTruthy: boolean) =>
    function (this: CompilerThis, node: AstNode, frame: unknown) {
      this._emit('((l) => runtime.py.truthy(l) ? ');
      if (whenTruthy) {
        this._emit('(');
        this.compile(node.right, frame);
        this._emit(') : l)(');
      } else {
        this._emit('l : (');
        this.compile(node.right, frame);
        this._emit('))(');
      }
      this.compile(node.left, frame);
      this._emit(')');
    };
  compiler.compileAnd = logical(true);
  compiler.compileOr = logical(false);
  compiler.compileNot = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('!runtime.py.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  compiler.compileCompare = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('runtime.py.compare(');
    this.compile(node.expr, frame);
    this._emit(', [');
    node.ops.forEach((op: AstNode, i: number) => {
      this._emit(`${i > 0 ? ', ' : ''}${JSON.stringify(op.type)}, `);
      this.compile(op.expr, frame);
    });
    this._emit('])');
  };
  const binary = (emitted: string) =>
    function (this: CompilerThis, node: AstNode, frame: unknown) {
      this._emit(`runtime.py.${emitted}, `);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
  compiler.compileAdd = binary('arith("+"');
  compiler.compileSub = binary('arith("-"');
  compiler.compileMul = binary('arith("*"');
  compiler.compileDiv = binary('arith("/"');
  compiler.compileFloorDiv = binary('arith("//"');
  compiler.compileMod = binary('arith("%"');
  compiler.compilePow = binary('arith("**"');
  compiler.compileConcat = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('runtime.py.concat(');
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
  const unary = (sign: number) =>
    function (this: CompilerThis, node: AstNode, frame: unknown) {
      this._emit('runtime.py.negate(');
      this.compile(node.target, frame);
      this._emit(`, ${sign})`);
    };
  compiler.compileNeg = unary(-1);
  compiler.compilePos = unary(1);
  // `{% set ns.attr = value %}` (Jinja's namespace idiom) assigns into the object.
  const compileSet = compiler.compileSet;
  compiler.compileSet = function (this: CompilerThis, node: AstNode, frame: unknown) {
    const [target] = node.targets;
    if (node.targets.length !== 1 || target.typename !== 'LookupVal') return compileSet.call(this, node, frame);
    this._emit('runtime.py.assign(');
    this.compile(target.target, frame);
    this._emit(', ');
    this.compile(target.val, frame);
    this._emit(', ');
    this.compile(node.value ?? node.body, frame);
    this._emit(');\n');
  };
  // Jinja tuples: `('a', 3)` is a sequence, not JavaScript's comma operator.
  compiler.compileGroup = function (this: CompilerThis, node: AstNode, frame: unknown) {
    if (node.children.length > 1) this._compileAggregate(node, frame, '[', ']');
    else this._compileAggregate(node, frame, '(', ')');
  };
  compiler.compileIs = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit(`runtime.py.test(env, context, ${JSON.stringify(node.right.name.value)}, `);
    this.compile(node.left, frame);
    this._emit(', ');
    this._compileAggregate(node.right.args, frame, '[', ']');
    this._emit(')');
  };
}

const TEST_ARGUMENT_TOKENS = new Set([lexer.TOKEN_SYMBOL, lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE]);
const NOT_AN_ARGUMENT = new Set(['and', 'or', 'else', 'if', 'is', 'in', 'not']);

function patchRaw(): void {
  const parser = internals.parser.Parser.prototype;
  const parseRaw = parser.parseRaw;
  parser.parseRaw = function (this: { tokens: TokenizerThis }, ...args: unknown[]) {
    const node = parseRaw.apply(this, args);
    if (this.tokens.trimBlocks) skipNewline(this.tokens);
    return node;
  };
}

/** Jinja's test syntax: `x is name`, `x is name(args)`, `x is name arg`, `x is not ...`, dotted names. */
function patchParser(): void {
  internals.parser.Parser.prototype.parseIs = function (this: ParserThis) {
    const subject = this.parseCompare();
    if (!this.skipSymbol('is')) return subject;
    const negated = this.skipSymbol('not');
    const tok = this.nextToken();
    if (!tok) return this.fail("expected a test name after 'is'");
    let name: string;
    if (tok.type === lexer.TOKEN_SYMBOL) {
      name = tok.value;
      while (this.skipValue(lexer.TOKEN_OPERATOR, '.')) name += '.' + this.expect(lexer.TOKEN_SYMBOL).value;
    } else if (tok.type === lexer.TOKEN_NONE) name = 'none';
    else if (tok.type === lexer.TOKEN_BOOLEAN) name = tok.value;
    else return this.fail(`expected a test name after 'is', got ${tok.value}`, tok.lineno, tok.colno);
    const next = this.peekToken();
    let args: AstNode;
    if (next?.type === lexer.TOKEN_LEFT_PAREN) args = this.parseSignature();
    else if (next && TEST_ARGUMENT_TOKENS.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && NOT_AN_ARGUMENT.has(next.value))) {
      args = new nodes.NodeList(next.lineno, next.colno, [this.parsePrimary()]);
    } else args = new nodes.NodeList(tok.lineno, tok.colno, []);
    const test = new nodes.FunCall(tok.lineno, tok.colno, new nodes.Symbol(tok.lineno, tok.colno, name), args);
    const node = new nodes.Is(subject.lineno, subject.colno, subject, test);
    return negated ? new nodes.Not(subject.lineno, subject.colno, node) : node;
  };
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' };

/**
 * String literals follow Python's escapes. With `rawBackslashes` (Ansible's templating of strings from
 * playbooks), backslashes inside `{{ }}` are kept as written, so regexes like '\d' need no doubling.
 */
function patchLexer(): void {
  const lex = lexer.lex;
  lexer.lex = (source: string, opts?: { rawBackslashes?: boolean }) => {
    const tokenizer = lex(source, opts);
    tokenizer.rawBackslashes = Boolean(opts?.rawBackslashes);
    return tokenizer;
  };
  const tokenizer = Object.getPrototypeOf(lex('', {}));
  const nextToken = tokenizer.nextToken;
  // Like Jinja's lexer, `}}` closes the tag only outside dict literals: `combine({'a': {'b': 1}})`.
  tokenizer.nextToken = function (this: TokenizerThis) {
    if (this.in_code && this.openCurlies && this.current() === '}') {
      const tok = { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno: this.lineno, colno: this.colno };
      this.forward();
      this.openCurlies -= 1;
      return tok;
    }
    const tok: Token | null = nextToken.call(this);
    if (tok?.type === lexer.TOKEN_COMMENT && this.trimBlocks) skipNewline(this);
    switch (tok?.type) {
      case lexer.TOKEN_VARIABLE_START:
        this.inVariable = true;
        this.openCurlies = 0;
        break;
      case lexer.TOKEN_BLOCK_START:
        this.inVariable = false;
        this.openCurlies = 0;
        break;
      case lexer.TOKEN_VARIABLE_END:
        this.inVariable = false;
        break;
      case lexer.TOKEN_LEFT_CURLY:
        this.openCurlies = (this.openCurlies ?? 0) + 1;
        break;
      case lexer.TOKEN_RIGHT_CURLY:
        this.openCurlies = Math.max(0, (this.openCurlies ?? 0) - 1);
        break;
    }
    return tok;
  };
  tokenizer._parseString = function (this: TokenizerThis, delimiter: string) {
    const raw = this.rawBackslashes && this.inVariable;
    this.forward();
    let text = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const char = this.current();
      this.forward();
      if (char !== '\\' || this.isFinished()) {
        text += char;
        continue;
      }
      const escaped = this.current();
      this.forward();
      if (raw) text += char + escaped;
      else if (Object.hasOwn(ESCAPES, escaped)) text += ESCAPES[escaped];
      else if (escaped === 'x' || escaped === 'u') {
        const digits = this.str.slice(this.index, this.index + (escaped === 'x' ? 2 : 4));
        if (/^[0-9a-fA-F]+$/.test(digits) && digits.length === (escaped === 'x' ? 2 : 4)) {
          for (let i = 0; i < digits.length; i++) this.forward();
          text += String.fromCharCode(parseInt(digits, 16));
        } else text += char + escaped;
      } else text += char + escaped;
    }
    this.forward();
    return text;
  };
}

/** trim_blocks: Jinja drops the newline after a comment or {% endraw %} too, not only after block tags. */
function skipNewline(tokenizer: TokenizerThis): void {
  if (tokenizer.current() === '\r' && tokenizer.str[tokenizer.index + 1] === '\n') tokenizer.forward();
  if (tokenizer.current() === '\n') tokenizer.forward();
}

let installed = false;

/** Applies the patches once per process, after nunjucks' own Jinja compatibility layer. */
export function installPythonSemantics(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();
  patchRuntime();
  patchCompiler();
  patchParser();
  patchRaw();
  patchLexer();
}
