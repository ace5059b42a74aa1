/**
 * Ansible types INI values with Python's ast.literal_eval: numbers, True/False/None, quoted strings, lists, tuples,
 * dicts and sets become values; anything else stays the original text. This is a parser for exactly those
 * literals (no npm package evaluates Python literals), returning JSON-like JavaScript values.
 */
export function pythonLiteralOrText(text: string, options: { jsonNames?: boolean } = {}): unknown {
  try {
    const parser = new LiteralParser(text.replace(/^[ \t]+/, ''), options.jsonNames ?? false);
    return parser.parseTopLevel();
  } catch (error) {
    if (error instanceof NotALiteral) return text;
    throw error;
  }
}

class NotALiteral extends Error {}

const IDENTIFIER_CHAR = /[\p{L}\p{N}_]/u;
const NUMBER =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*[eE][+-]?\d(?:_?\d)*|[1-9](?:_?\d)*|0(?:_?0)*)/;
const STRING_PREFIX = /^(?:[bB][rR]|[rR][bB]|[rRbBuU])?(?=['"])/;
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

class LiteralParser {
  private pos = 0;

  /** With jsonNames, JSON's true, false and null are read as True, False and None (Ansible's templating does so). */
  constructor(
    private readonly text: string,
    private readonly jsonNames: boolean,
  ) {}

  /** A value, or several separated by commas, which Python reads as a tuple. */
  parseTopLevel(): unknown {
    const items = [this.parseValue()];
    const isTuple = this.take(',');
    while (isTuple && !this.atEnd()) {
      items.push(this.parseValue());
      if (!this.take(',')) break;
    }
    if (!this.atEnd()) throw new NotALiteral();
    return isTuple ? items : items[0];
  }

  private parseValue(): unknown {
    const c = this.peek();
    if (c === '+' || c === '-') {
      this.pos++;
      this.skipSpace();
      const inParens = this.take('(');
      const value = this.parseNumber();
      if (inParens && !this.take(')')) throw new NotALiteral();
      return c === '-' ? 0 - value : value;
    }
    if (c === '[') return this.parseSequence('[', ']');
    if (c === '(') return this.parseParenthesized();
    if (c === '{') return this.parseBraces();
    if (c === '.' || /\d/.test(c)) return this.parseNumber();
    return this.parseWordOrString();
  }

  private parseNumber(): number {
    this.skipSpace();
    const match = NUMBER.exec(this.text.slice(this.pos));
    if (!match) throw new NotALiteral();
    this.pos += match[0].length;
    if (IDENTIFIER_CHAR.test(this.text[this.pos] ?? '') || this.text[this.pos] === '.') throw new NotALiteral();
    const digits = match[0].replace(/_/g, '');
    if (/^0[xob]/i.test(digits) || /^\d+$/.test(digits)) {
      const big = BigInt(digits);
      // Beyond 2^53 a JavaScript number would silently change the value: keep the text instead.
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new NotALiteral();
      return Number(big);
    }
    return Number(digits);
  }

  private parseWordOrString(): unknown {
    const word = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(this.text.slice(this.pos))?.[0] ?? '';
    const next = this.text[this.pos + word.length];
    if (STRING_PREFIX.test(word + (next ?? ''))) return this.parseStrings();
    this.pos += word.length;
    if (word === 'True' || (this.jsonNames && word === 'true')) return true;
    if (word === 'False' || (this.jsonNames && word === 'false')) return false;
    if (word === 'None' || (this.jsonNames && word === 'null')) return null;
    if (word === 'set' && this.take('(') && this.take(')')) return [];
    throw new NotALiteral();
  }

  /** One or more adjacent string literals, which Python concatenates. */
  private parseStrings(): string {
    let result = '';
    let kind: 'bytes' | 'text' | undefined;
    for (;;) {
      this.skipSpace();
      const prefix = STRING_PREFIX.exec(this.text.slice(this.pos))?.[0];
      if (prefix === undefined) break;
      const thisKind = /b/i.test(prefix) ? 'bytes' : 'text';
      if (kind !== undefined && kind !== thisKind) throw new NotALiteral();
      kind = thisKind;
      this.pos += prefix.length;
      result += this.parseString(/r/i.test(prefix), thisKind === 'bytes');
    }
    return result;
  }

  private parseString(raw: boolean, bytes: boolean): string {
    const quote = this.text.startsWith(this.text[this.pos].repeat(3), this.pos) ? this.text[this.pos].repeat(3) : this.text[this.pos];
    this.pos += quote.length;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) throw new NotALiteral();
      if (this.text.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        break;
      }
      const c = this.text[this.pos++];
      if (c === '\n' && quote.length === 1) throw new NotALiteral();
      if (bytes && c.charCodeAt(0) > 0x7f) throw new NotALiteral();
      if (c !== '\\') {
        out += c;
      } else if (raw) {
        out += c + (this.text[this.pos++] ?? '');
      } else {
        out += this.parseEscape(bytes);
      }
    }
    return bytes ? Buffer.from(out, 'latin1').toString('utf8') : out;
  }

  private parseEscape(bytes: boolean): string {
    const c = this.text[this.pos++] ?? '';
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
    const octal = /^[0-7]{1,3}/.exec(this.text.slice(this.pos - 1))?.[0];
    if (octal) {
      this.pos += octal.length - 1;
      return String.fromCodePoint(parseInt(octal, 8));
    }
    const hexLength = c === 'x' ? 2 : bytes ? 0 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (hexLength) {
      const hex = this.text.slice(this.pos, this.pos + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) throw new NotALiteral();
      this.pos += hexLength;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw new NotALiteral();
      return String.fromCodePoint(code);
    }
    if (c === 'N' && !bytes) throw new NotALiteral();
    return '\\' + c;
  }

  private parseSequence(open: string, close: string): unknown[] {
    this.expect(open);
    const items: unknown[] = [];
    this.parseItems(close, () => items.push(this.parseValue()));
    return items;
  }

  /** "(x)" is x; "()", "(x,)" and "(x, y)" are tuples, returned as lists. */
  private parseParenthesized(): unknown {
    this.expect('(');
    if (this.take(')')) return [];
    const first = this.parseValue();
    if (this.take(')')) return first;
    this.expect(',');
    const items = [first];
    this.parseItems(')', () => items.push(this.parseValue()));
    return items;
  }

  /** A dict ({k: v, ...}) or a set ({a, b}, returned as a list without duplicates). */
  private parseBraces(): unknown {
    this.expect('{');
    if (this.take('}')) return {};
    const first = this.parseValue();
    if (this.take(':')) {
      const entries = new Map<string, unknown>([[dictKey(first), this.parseValue()]]);
      this.parseRest('}', () => {
        const key = dictKey(this.parseValue());
        this.expect(':');
        entries.set(key, this.parseValue());
      });
      return Object.fromEntries(entries);
    }
    const items = [first];
    this.parseRest('}', () => items.push(this.parseValue()));
    if (items.some((item) => item !== null && typeof item === 'object')) throw new NotALiteral();
    return [...new Set(items)];
  }

  /** Comma-separated items up to the closing token, a trailing comma allowed. */
  private parseItems(close: string, parseItem: () => void): void {
    while (!this.take(close)) {
      parseItem();
      if (!this.take(',')) {
        this.expect(close);
        return;
      }
    }
  }

  /** After a first item: either the closing token, or a comma and more items. */
  private parseRest(close: string, parseItem: () => void): void {
    if (this.take(',')) this.parseItems(close, parseItem);
    else this.expect(close);
  }

  private peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  private take(token: string): boolean {
    if (this.peek() !== token) return false;
    this.pos++;
    return true;
  }

  private expect(token: string): void {
    if (!this.take(token)) throw new NotALiteral();
  }

  private atEnd(): boolean {
    return this.peek() === '';
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') this.pos++;
      else if (c === '\\' && this.text[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      else return;
    }
  }
}

/** Python dict keys must be hashable; as JSON-like object keys they become text. */
function dictKey(key: unknown): string {
  if (key !== null && typeof key === 'object') throw new NotALiteral();
  return typeof key === 'string' ? key : JSON.stringify(key);
}
