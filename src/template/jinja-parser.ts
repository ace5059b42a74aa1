/** The parser side of Jinja syntax on nunjucks: test expressions, `item.0` indexes and trim_blocks after raw blocks. */
import { skipNewline } from './jinja-lexer.js';
import { type AstNode, type ParserThis, type Token, type TokenizerThis, internals } from './nunjucks-internals.js';

/** The token types that start a test's single argument (`x is divisibleby 3`). */
function testArgumentTokens(lexer: Record<string, any>): Set<string> {
  return new Set([lexer.TOKEN_SYMBOL, lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE]);
}
const NOT_AN_ARGUMENT = new Set(['and', 'or', 'else', 'if', 'is', 'in', 'not']);

/**
 * Jinja's `item.0.name`: a number after a dot is an index, a name an attribute (compiled to `runtime.py.attribute`,
 * where a dict's own methods come before its keys, as Python's getattr finds them first). nunjucks lexes `0.name` as the float "0."
 * followed by `name`, and `0.1` as one float, so the postfix parser splits those back into lookups.
 */
export function patchPostfix(): void {
  const { nodes, lexer, parser: { Parser } } = internals();
  const parser = Parser.prototype;
  const lookup = (node: AstNode, tok: Token, key: string | number) => new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(tok.lineno, tok.colno, key));
  parser.parsePostfix = function (this: ParserThis, start: AstNode) {
    let node = start;
    for (let tok = this.peekToken(); tok; tok = this.peekToken()) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        const index = this.parseAggregate();
        if (index.children.length > 1) this.fail('invalid index');
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, index.children[0]);
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const key = this.nextToken() ?? this.fail('expected name as lookup value');
        // After a dot every name is an attribute, the constants' names too (`result.true`, `data.none`).
        if (key.type === lexer.TOKEN_SYMBOL || key.type === lexer.TOKEN_BOOLEAN || key.type === lexer.TOKEN_NONE) node = Object.assign(lookup(node, key, key.value), { attribute: true });
        else if (key.type === lexer.TOKEN_INT) node = lookup(node, key, Number(key.value));
        else if (key.type === lexer.TOKEN_FLOAT) {
          const [first, second] = key.value.split('.');
          node = lookup(node, key, Number(first));
          if (second !== '') node = lookup(node, key, Number(second));
          else {
            const after = this.nextToken() ?? this.fail('expected name as lookup value');
            if (after.type !== lexer.TOKEN_SYMBOL && after.type !== lexer.TOKEN_INT) this.fail(`expected name as lookup value, got ${after.value}`, after.lineno, after.colno);
            node = lookup(node, after, after.type === lexer.TOKEN_INT ? Number(after.value) : after.value);
          }
        } else this.fail(`expected name as lookup value, got ${key.value}`, key.lineno, key.colno);
      } else break;
    }
    return node;
  };
}

export function patchRaw(): void {
  const parser = internals().parser.Parser.prototype;
  const parseRaw = parser.parseRaw;
  parser.parseRaw = function (this: { tokens: TokenizerThis }, ...args: unknown[]) {
    const node = parseRaw.apply(this, args);
    if (this.tokens.trimBlocks) skipNewline(this.tokens);
    return node;
  };
}

/** Jinja's test syntax: `x is name`, `x is name(args)`, `x is name arg`, `x is not ...`, dotted names. */
export function patchTests(): void {
  const { nodes, lexer, parser } = internals();
  const TEST_ARGUMENT_TOKENS = testArgumentTokens(lexer);
  parser.Parser.prototype.parseIs = function (this: ParserThis) {
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
