/** The quote still open after `token`, given the one open before it (a quote after a backslash does not count). */
function quoteAfter(token: string, open: string | undefined): string | undefined {
  let quote = open;
  for (let index = 0; index < token.length; index += 1) {
    const char = token[index];
    if ((char !== '"' && char !== "'") || token[index - 1] === '\\') continue;
    if (!quote) quote = char;
    else if (char === quote) quote = undefined;
  }
  return quote;
}

/** How many `{{`/`{%`/`{#` blocks are open after `token` (never below zero). */
function depthAfter(token: string, depth: number, opener: string, closer: string): number {
  return Math.max(0, depth + token.split(opener).length - token.split(closer).length);
}

const JINJA_PAIRS: [string, string][] = [['{{', '}}'], ['{%', '%}'], ['{#', '#}']];

/**
 * Ansible's `key=value` argument text (`copy: src=a dest="b c"`) as its split_args sees it: words split on
 * spaces and newlines outside quotes and `{{ }}` / `{% %}` / `{# #}`, so that quoted text and templates keep
 * their spaces and newlines. Extra spaces stay on the word before them, a newline stays on the word it ends
 * (joinWords puts them back), and a lone backslash at the end of a line joins the next line.
 */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let quote: string | undefined;
  let depths = JINJA_PAIRS.map(() => 0);
  const lines = text.split('\n');
  for (const [lineIndex, line] of lines.entries()) {
    const tokens = line.split(' ');
    let continued = false;
    for (const [index, token] of tokens.entries()) {
      if (token === '' && index > 0) {
        words[words.length - 1] += ' ';
        continue;
      }
      if (token === '\\' && !quote) {
        continued = true;
        continue;
      }
      const wasQuoted = quote !== undefined;
      quote = quoteAfter(token, quote);
      const inJinja = depths.some(Boolean);
      let placed = false;
      if (quote && !wasQuoted && !inJinja) {
        words.push(token);
        placed = true;
      } else if (inJinja || quote || wasQuoted) {
        // Inside quotes or a template: the token rejoins the word with the space or newline it was split on.
        const joiner = index > 0 ? ' ' : tokens.length === 1 && !words[words.length - 1].endsWith('\n') && !wasQuoted ? '\n' : '';
        words[words.length - 1] += joiner + token;
        placed = true;
      }
      depths = depths.map((depth, pair) => {
        const next = depthAfter(token, depth, ...JINJA_PAIRS[pair]);
        if (next !== depth && !placed) {
          words.push(token);
          placed = true;
        }
        return next;
      });
      if (!placed && !quote && !depths.some(Boolean) && token !== '') words.push(token);
    }
    if (lines.length > 1 && lineIndex < lines.length - 1 && !continued && words.length > 0) {
      if (!words[words.length - 1].endsWith('\n') || line === '') words[words.length - 1] += '\n';
    }
  }
  if (quote || depths.some(Boolean)) throw new Error(`failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${text}`);
  return words;
}

/** Words back into text as written: a space between words, none after a newline. */
function joinWords(words: readonly string[]): string {
  return words.reduce((text, word) => (text === '' || text.endsWith('\n') ? text + word : `${text} ${word}`), '');
}

/** `action: copy src=a`: the module name and its argument text, split as Ansible splits them (a templated name is one word). */
export function splitActionText(text: string): { module: string; args: string } {
  const [module = '', ...rest] = splitWords(text.trim());
  return { module: module.trim(), args: joinWords(rest) };
}

// No octal escapes: `\1` stays a back-reference for replace and lineinfile (Ansible's splitter leaves it too).
const ESCAPE = /\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g;
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Python's unicode-escape decoding of `\n`, `\t`, `\\`, `\x41` ... as Ansible applies it to key=value words. */
function decodeEscapes(word: string): string {
  return word.replace(ESCAPE, (_match, code: string) => {
    if (code in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[code];
    return String.fromCodePoint(parseInt(code.slice(1), 16));
  });
}

function unquote(value: string): string {
  const first = value[0];
  if ((first === '"' || first === "'") && value.endsWith(first) && value.length >= 2) {
    return value.slice(1, -1).replace(new RegExp(`\\\\${first}`, 'g'), first);
  }
  return value;
}

/**
 * Parses `k=v` words into arguments. Words that are not `k=v` (or whose key is not in `keys`, when given)
 * form the free-form text, returned under `freeFormKey` (e.g. `cmd` for command/shell).
 */
export function parseKeyValueArgs(text: string, freeFormKey?: string, keys?: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const freeWords: string[] = [];
  for (const word of splitWords(text)) {
    // A key may be templated, whole or in part (set_fact: "user_{{ item.name }}=moo"): the module templates it when it runs.
    const match = /^((?:[A-Za-z_]|\{\{[^=]*?\}\})(?:[A-Za-z0-9_]|\{\{[^=]*?\}\})*)=(.*)$/s.exec(decodeEscapes(word));
    if (match && (!freeFormKey || !keys || keys.includes(match[1]))) args[match[1]] = unquote(match[2].trim());
    else freeWords.push(word);
  }
  if (freeWords.length > 0) {
    if (!freeFormKey) throw new Error(`cannot parse '${freeWords.join(' ')}': this module takes key=value arguments`);
    args[freeFormKey] = joinWords(freeWords);
  }
  return args;
}
