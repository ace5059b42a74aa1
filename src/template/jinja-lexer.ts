/** The lexer side of Jinja syntax on nunjucks: Python string escapes, `}}` inside dict literals, trim_blocks after comments. */
import { type Token, type TokenizerThis, internals } from './nunjucks-internals.js';

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' };

/**
 * String literals follow Python's escapes. With `rawBackslashes` (Ansible's templating of strings from
 * playbooks), backslashes inside `{{ }}` are kept as written, so regexes like '\d' need no doubling.
 */
export function patchLexer(): void {
  const { lexer } = internals();
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
    // Jinja has no `null` literal (nunjucks does): it is a name like any other, undefined unless set.
    if (tok && tok.type === lexer.TOKEN_NONE && tok.value === 'null') tok.type = lexer.TOKEN_SYMBOL;
    if (tok?.type === lexer.TOKEN_COMMENT && this.trimBlocks) skipNewline(this);
    if (tok && tok.type === lexer.TOKEN_DATA && this.lstripBlocks && this._matches(this.tags.COMMENT_START)) {
      // lstrip_blocks: Jinja strips a comment's indentation as it does a block tag's (nunjucks only the latter).
      const lineStart = tok.value.lastIndexOf('\n') + 1;
      if ((lineStart > 0 || tok.colno === 0) && /^[ \t]+$/.test(tok.value.slice(lineStart))) {
        tok.value = tok.value.slice(0, lineStart);
        if (tok.value === '') return this.nextToken();
      }
    }
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
export function skipNewline(tokenizer: TokenizerThis): void {
  if (tokenizer.current() === '\r' && tokenizer.str[tokenizer.index + 1] === '\n') tokenizer.forward();
  if (tokenizer.current() === '\n') tokenizer.forward();
}
