/**
 * Ansible's `key=value` argument text (`copy: src=a dest="b c"`), split on spaces outside quotes and
 * outside `{{ }}` / `{% %}`, so templates may contain spaces.
 */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    const pair = text.slice(index, index + 2);
    if (quote) {
      if (char === '\\' && text[index + 1] === quote) {
        current += char + quote;
        index += 1;
        continue;
      }
      if (char === quote) quote = undefined;
      current += char;
    } else if (pair === '{{' || pair === '{%') {
      depth += 1;
      current += pair;
      index += 1;
    } else if ((pair === '}}' || pair === '%}') && depth > 0) {
      depth -= 1;
      current += pair;
      index += 1;
    } else if ((char === '"' || char === "'") && depth === 0) {
      quote = char;
      current += char;
    } else if (/\s/.test(char) && depth === 0) {
      if (current) words.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (quote || depth > 0) throw new Error(`failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${text}`);
  if (current) words.push(current);
  return words;
}

const ESCAPE = /\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|[\\'"abfnrtv])/g;
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Python's unicode-escape decoding of `\n`, `\t`, `\\`, `\x41` ... as Ansible applies it to key=value words. */
function decodeEscapes(word: string): string {
  return word.replace(ESCAPE, (_match, code: string) => {
    if (code in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[code];
    if (/^[0-7]/.test(code)) return String.fromCodePoint(parseInt(code, 8));
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
    if (match && (!freeFormKey || !keys || keys.includes(match[1]))) args[match[1]] = unquote(match[2]);
    else freeWords.push(word);
  }
  if (freeWords.length > 0) {
    if (!freeFormKey) throw new Error(`cannot parse '${freeWords.join(' ')}': this module takes key=value arguments`);
    args[freeFormKey] = freeWords.join(' ');
  }
  return args;
}
