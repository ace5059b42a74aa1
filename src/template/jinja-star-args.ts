/**
 * Jinja's `f(a, *args, k=v, **kwargs)` in calls and filter arguments (`lookup('x', *terms)`): nunjucks' signature
 * parser knows neither. A `*x` argument compiles to a JavaScript spread of x's items; `**x` merges x's keys into
 * the keyword arguments nunjucks passes last (see args.ts).
 */
import { TemplateError } from './errors.js';
import { type AstNode, type CompilerThis, type NodeClass, type ParserThis, internals } from './nunjucks-internals.js';
import { isDict, plain } from './python-types.js';
import { isUndefined } from './undefined.js';

interface SignatureParser extends ParserThis {
  parseExpression(): AstNode;
  skip(type: string): boolean;
}

function starredItems(value: unknown): unknown[] {
  if (isUndefined(value)) value.fail();
  const items = plain(value);
  if (typeof items === 'string') return [...items];
  if (isDict(items)) return Object.keys(items);
  if (Array.isArray(items) || items instanceof Set) return [...items];
  throw new TemplateError(`argument after * must be an iterable, not ${items === null ? 'NoneType' : typeof items}`);
}

function keywordArgs(given: Record<string, unknown> | null, starred: unknown[]): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...(given ?? {}), __keywords: true };
  for (const value of starred) {
    if (isUndefined(value)) value.fail();
    const mapping = plain(value);
    if (!isDict(mapping)) throw new TemplateError('argument after ** must be a mapping');
    for (const [key, item] of Object.entries(mapping)) {
      if (Object.hasOwn(merged, key) && key !== '__keywords') throw new TemplateError(`got multiple values for keyword argument '${key}'`);
      merged[key] = item;
    }
  }
  return merged;
}

export function patchStarArgs(): void {
  const { nodes, lexer, runtime } = internals();
  const Starred: NodeClass = nodes.Node.extend('Starred', { fields: ['value'] });
  const StarKeywords: NodeClass = nodes.Node.extend('StarKeywords', { fields: ['given', 'starred'] });
  runtime.py.starred = starredItems;
  runtime.py.keywordArgs = keywordArgs;

  const parser = internals().parser.Parser.prototype;
  // As nunjucks' own, with `*expr` and `**expr` arguments.
  parser.parseSignature = function (this: SignatureParser, tolerant?: boolean, noParens?: boolean) {
    let tok = this.peekToken();
    if (!tok) return this.fail('expected arguments');
    if (!noParens && tok.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === lexer.TOKEN_LEFT_PAREN) tok = this.nextToken() ?? tok;
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno);
    const starredKeywords: AstNode[] = [];
    let checkComma = false;
    for (;;) {
      tok = this.peekToken();
      if (!tok) return this.fail('unexpected end of arguments');
      if (!noParens && tok.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        break;
      } else if (noParens && tok.type === lexer.TOKEN_BLOCK_END) break;
      if (checkComma && !this.skip(lexer.TOKEN_COMMA)) this.fail('parseSignature: expected comma after expression', tok.lineno, tok.colno);
      tok = this.peekToken() ?? tok;
      if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '*') {
        this.nextToken();
        args.addChild(new Starred(tok.lineno, tok.colno, this.parseExpression()));
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '**') {
        this.nextToken();
        starredKeywords.push(this.parseExpression());
      } else {
        const arg = this.parseExpression();
        if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
        else args.addChild(arg);
      }
      checkComma = true;
    }
    if (starredKeywords.length > 0) {
      const list = new nodes.NodeList(tok.lineno, tok.colno, starredKeywords);
      args.addChild(new StarKeywords(tok.lineno, tok.colno, kwargs.children.length > 0 ? kwargs : null, list));
    } else if (kwargs.children.length > 0) args.addChild(kwargs);
    return args;
  };

  const compiler = internals().compiler.Compiler.prototype;
  // Arguments are compiled into an array literal or a call's argument list: a spread fits both.
  compiler.compileStarred = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('...runtime.py.starred(');
    this.compile(node.value, frame);
    this._emit(')');
  };
  compiler.compileStarKeywords = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('runtime.py.keywordArgs(');
    if (node.given) this.compile(node.given, frame);
    else this._emit('null');
    this._emit(', ');
    this._compileAggregate(node.starred, frame, '[', ']');
    this._emit(')');
  };
}
