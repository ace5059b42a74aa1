import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { homedir } from 'node:os';
import { parseKeyValueArgs } from '../playbook/kv.js';
import { type CryptScheme, cryptHash } from '../python/crypt.js';
import { pyChoice, pyRandom } from '../python/random.js';
import { TemplateError } from './errors.js';
import { randomSalt } from './filters-hash.js';
import { searchPaths } from './lookup-files.js';
import type { Keywords, Lookup } from './lookup-types.js';
import { pythonStr } from './python-repr.js';

/** Python's string module constants, which the `chars` option names. */
const CHAR_SETS: Record<string, string> = {
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  whitespace: ' \t\n\r\x0b\x0c',
};
CHAR_SETS.printable = CHAR_SETS.digits + CHAR_SETS.ascii_letters + CHAR_SETS.punctuation + CHAR_SETS.whitespace;

const DEFAULT_CHARS = ['ascii_letters', 'digits', '.,:-_'];
const VALID_PARAMS = new Set(['length', 'encrypt', 'chars', 'ident', 'seed']);
/** Salt sizes of the schemes Ansible knows; any other scheme gets 8. */
const SALT_SIZES: Record<string, number> = { md5_crypt: 8, bcrypt: 22, sha256_crypt: 16, sha512_crypt: 16 };

function candidateChars(specs: string[]): string {
  return specs.map((spec) => CHAR_SETS[spec] ?? spec).join('').replace(/["']/g, '');
}

/** `chars=ascii_letters,digits` splits on commas; `,,` stands for a comma itself. */
function charSpecs(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(pythonStr);
  const text = pythonStr(value);
  return [...(text.includes(',,') ? [','] : []), ...text.replace(/,,/g, ',').split(',').filter(Boolean)];
}

function parseTerm(term: string, options: Keywords): { path: string; params: Keywords } {
  const space = term.indexOf(' ');
  let path = space === -1 ? term : term.slice(0, space);
  const params: Keywords = space === -1 ? {} : parseKeyValueArgs(term.slice(space + 1), '_raw_params');
  if (params._raw_params !== undefined) {
    path = `${path} ${pythonStr(params._raw_params)}`;
    delete params._raw_params;
    if (!term.startsWith(path)) throw new TemplateError('Unrecognized value after key=value parameters given to password lookup');
  }
  const invalid = Object.keys(params).filter((key) => !VALID_PARAMS.has(key));
  if (invalid.length > 0) throw new TemplateError(`Unrecognized parameter(s) given to password lookup: ${invalid.join(', ')}`);
  const merged = { length: 20, encrypt: null, ident: null, seed: null, chars: DEFAULT_CHARS, ...options, ...params };
  return { path, params: { ...merged, length: Number(merged.length), chars: charSpecs(merged.chars) } };
}

/** The password file's format: `password[ salt=SALT[ ident=IDENT]]`. */
function parseContent(content: string): { password: string; salt?: string; ident?: string } {
  const saltAt = content.lastIndexOf(' salt=');
  if (saltAt === -1) return { password: content };
  const rest = content.slice(saltAt + 6);
  const identAt = rest.lastIndexOf(' ident=');
  return { password: content.slice(0, saltAt), salt: identAt === -1 ? rest : rest.slice(0, identAt), ident: identAt === -1 ? undefined : rest.slice(identAt + 7) };
}

function resolvePath(path: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
  if (isAbsolute(expanded)) return normalize(expanded);
  const paths = searchPaths();
  return join(paths[paths.length - 1], expanded);
}

/**
 * The password lookup: the password stored in the file (relative to the playbook's folder), or a new random
 * one (length, chars, seed as Python's Random) written there with mode 0600. With `encrypt`, the salt is kept
 * in the file too and the crypt hash is returned.
 */
const password: Lookup = (terms, options) =>
  terms.map((term) => {
    const { path: written, params } = parseTerm(pythonStr(term), options);
    const path = resolvePath(written);
    const devNull = path === '/dev/null';
    const stored = !devNull && existsSync(path) ? parseContent(readFileSync(path, 'utf8').trimEnd()) : undefined;
    let changed = stored === undefined;
    let plaintext = stored?.password;
    if (plaintext === undefined) {
      // The option is typed str, so seed=1 seeds as '1' does.
      const random = pyRandom(params.seed === null || params.seed === undefined ? null : pythonStr(params.seed));
      const chars = [...candidateChars(params.chars as string[])];
      plaintext = Array.from({ length: params.length as number }, () => pyChoice(random, chars)).join('');
    }
    const encrypt = params.encrypt === null || params.encrypt === undefined || params.encrypt === '' ? undefined : pythonStr(params.encrypt);
    let salt = stored?.salt;
    const ident = stored?.ident;
    if (encrypt) {
      changed = true;
      salt ??= randomSalt(SALT_SIZES[encrypt] ?? 8);
    }
    if (changed && !devNull) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const content = salt ? `${plaintext} salt=${salt}${ident ? ` ident=${ident}` : ''}` : plaintext;
      writeFileSync(path, `${content}\n`, { mode: 0o600 });
      chmodSync(path, 0o600);
    }
    if (!encrypt) return plaintext;
    if (!Object.hasOwn(SALT_SIZES, encrypt) || encrypt === 'bcrypt') throw new TemplateError(`crypt.crypt does not support '${encrypt}' algorithm`);
    return cryptHash(encrypt as CryptScheme, plaintext, salt as string);
  });

export const PASSWORD_LOOKUPS: Record<string, Lookup> = { password };
