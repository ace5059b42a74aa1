import { ModuleFailure } from '../contract.js';

/*
 * Ansible modules take Python regular expressions. Text is handled as latin1 strings (one char per
 * byte, like Python's bytes patterns), and the few Python-only spellings are translated to JavaScript.
 */

/** Bytes as a one-char-per-byte string, so patterns see exactly the bytes Python would. */
export function toByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export function fromByteString(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

const FLAG_LETTERS: Record<string, string> = { i: 'i', m: 'm', s: 's', x: '', a: '', L: '', u: '' };

/** Drops whitespace and #-comments outside character classes (Python's re.VERBOSE). */
function stripVerbose(source: string): string {
  let out = '';
  let inClass = false;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    if (char === '\\') {
      out += source.slice(index, index + 2);
      index += 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
    } else if (char === '#') {
      while (index < source.length && source[index] !== '\n') index += 1;
    } else if (!/\s/.test(char)) out += char;
  }
  return out;
}

/*
 * Python's anchors know only \n as a line break, and its `$` also matches before a newline that ends the
 * text (so "OK$" finds a file's last line); JavaScript's never does and, in multiline mode, breaks at \r too.
 */
const START_OF_TEXT = '(?<![\\s\\S])';
const END_OF_TEXT = '(?![\\s\\S])';
function anchor(char: '^' | '$', multiline: boolean): string {
  if (char === '^') return multiline ? `(?:${START_OF_TEXT}|(?<=\\n))` : START_OF_TEXT;
  return multiline ? `(?=\\n|${END_OF_TEXT})` : `(?=\\n?${END_OF_TEXT})`;
}

function translate(source: string, multiline: boolean): string {
  let out = '';
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    if (char === '^' || char === '$') out += anchor(char, multiline);
    else if (char === '\\') {
      const next = source[index + 1] ?? '';
      out += next === 'A' ? START_OF_TEXT : next === 'Z' ? END_OF_TEXT : `\\${next}`;
      index += 1;
    } else if (char === '[') {
      // Copy the class; in Python a ']' right after '[' or '[^' is a literal.
      let end = index + 1;
      if (source[end] === '^') end += 1;
      let body = source.slice(index + 1, end);
      if (source[end] === ']') {
        body += '\\]';
        end += 1;
      }
      while (end < source.length && source[end] !== ']') {
        body += source[end] === '\\' ? source.slice(end, end + 2) : source[end];
        end += source[end] === '\\' ? 2 : 1;
      }
      out += `[${body}]`;
      index = end;
    } else if (source.startsWith('(?P<', index)) {
      out += '(?<';
      index += 3;
    } else if (source.startsWith('(?P=', index)) {
      const close = source.indexOf(')', index);
      out += `\\k<${source.slice(index + 4, close)}>`;
      index = close;
    } else out += char;
  }
  return out;
}

/** Compiles a Python regular expression (as Ansible's modules would) into a JavaScript RegExp over byte strings. */
export function compilePythonRegex(pattern: string, argument: string, options: { text?: boolean; flags?: string } = {}): RegExp {
  let source = options.text ? pattern : toByteString(pattern);
  let flags = options.flags ?? '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const letter of inline[1]) flags += FLAG_LETTERS[letter];
    if (inline[1].includes('x')) source = stripVerbose(source);
  }
  try {
    return new RegExp(translate(source, flags.includes('m')), [...new Set(flags)].join(''));
  } catch (error) {
    throw new ModuleFailure(`${argument} is not a valid regular expression: ${pattern} (${(error as Error).message})`);
  }
}

const TEMPLATE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\' };

/** Python's match.expand(template): \1, \g<1>, \g<name>, and the usual escapes; unmatched groups are empty. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  const group = (reference: string): string => {
    const value = /^\d+$/.test(reference) ? match[Number(reference)] : match.groups?.[reference];
    if (/^\d+$/.test(reference) ? Number(reference) >= match.length : !match.groups || !(reference in match.groups)) {
      throw new ModuleFailure(`invalid group reference ${reference} in line`);
    }
    return value ?? '';
  };
  let out = '';
  for (let index = 0; index < template.length; index += 1) {
    const char = template[index];
    if (char !== '\\' || index === template.length - 1) {
      out += char;
      continue;
    }
    const next = template[index + 1];
    const named = /^g<([^>]*)>/.exec(template.slice(index + 1));
    const digits = /^\d{1,2}/.exec(template.slice(index + 1));
    const octal = /^0[0-7]{0,2}/.exec(template.slice(index + 1));
    if (named) {
      out += group(named[1]);
      index += named[0].length;
    } else if (octal) {
      out += String.fromCharCode(parseInt(octal[0], 8));
      index += octal[0].length;
    } else if (digits) {
      out += group(digits[0]);
      index += digits[0].length;
    } else if (next in TEMPLATE_ESCAPES) {
      out += TEMPLATE_ESCAPES[next];
      index += 1;
    } else if (/[A-Za-z]/.test(next)) {
      throw new ModuleFailure(`bad escape \\${next} in line`);
    } else {
      out += char;
    }
  }
  return out;
}
