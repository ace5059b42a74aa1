import { bindArgs, splitArgs } from './args.js';
import type { Callable } from './callable.js';
import { TemplateError } from './errors.js';
import { truthy } from './python-ops.js';
import { pythonStr } from './python-repr.js';
import { pyTypeName } from './python-types.js';

interface CommentStyle {
  beginning?: string;
  decoration: string;
  end?: string;
}

const COMMENT_STYLES: Record<string, CommentStyle> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter: the text as a comment block in one of the styles, every part overridable. */
function comment(value: unknown, ...args: unknown[]): string {
  const { positional, keywords } = splitArgs(args);
  const styleName = pythonStr(positional[0] ?? keywords.style ?? 'plain');
  const style = COMMENT_STYLES[styleName];
  if (!style) throw new TemplateError(`KeyError: '${styleName}'`);
  const edge = pythonStr(keywords.decoration ?? style.decoration).trimEnd();
  const defaults: Record<string, unknown> = { newline: '\n', beginning: '', prefix: edge, prefix_count: 1, postfix: edge, postfix_count: 1, end: '' };
  const options: Record<string, unknown> = { ...defaults, ...style, ...keywords };
  const [newline, beginning, prefix, decoration, postfix, end] = ['newline', 'beginning', 'prefix', 'decoration', 'postfix', 'end'].map((key) => pythonStr(options[key]));
  const text = pythonStr(value);
  const head = beginning ? beginning + newline : '';
  const prefixLine = prefix ? (prefix !== newline ? prefix + newline : newline).repeat(Number(options.prefix_count)) : '';
  const body = (decoration + text.split(newline).join(newline + decoration)).split(decoration + newline).join(decoration.trimEnd() + newline);
  const tail = ['', ...Array.from({ length: Number(options.postfix_count) }, () => postfix)].join(newline);
  return head + prefixLine + body + tail + (end ? newline + end : '');
}

/** Python's '%.2f': the exact binary value rounded half to even (JavaScript's toFixed rounds ties up). */
export function fixed2(value: number): string {
  const exact = Math.abs(value).toFixed(100).replace(/0+$/, '');
  const [whole, fraction = ''] = exact.split('.');
  const tie = fraction.length === 3 && fraction[2] === '5';
  if (!tie) return value.toFixed(2);
  const lastDigit = Number(fraction[1]);
  const kept = `${whole}.${fraction.slice(0, 2)}`;
  const rounded = lastDigit % 2 === 0 ? kept : (Number(kept) + 0.01).toFixed(2);
  return (value < 0 ? '-' : '') + Number(rounded).toFixed(2);
}

const SIZE_RANGES: [string, number][] = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];

/** Ansible's bytes_to_human: the largest unit the size reaches (or the one asked for), two decimals. */
function humanReadable(size: unknown, ...args: unknown[]): string {
  const [isbits, unit] = bindArgs('human_readable', args, ['isbits', 'unit'], [false, null]);
  if (typeof size !== 'number' && typeof size !== 'boolean') throw new TemplateError(`human_readable() failed on bad input: '>=' not supported between instances of '${pyTypeName(size)}' and 'int'`);
  const amount = Number(size);
  const base = truthy(isbits) ? 'bits' : 'Bytes';
  let [suffix, limit] = SIZE_RANGES[SIZE_RANGES.length - 1];
  for ([suffix, limit] of SIZE_RANGES) {
    if ((unit === null && amount >= limit) || (unit !== null && pythonStr(unit).toUpperCase() === suffix)) break;
  }
  return `${fixed2(amount / limit)} ${limit !== 1 ? suffix + base[0] : base}`;
}

/** Python's round() to an integer: half to even. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Ansible's human_to_bytes: '10M', '1.5 GB', '2Kb' with isbits, or a bare number with a default unit. */
function humanToBytes(size: unknown, ...args: unknown[]): number {
  const [defaultUnit, isbits] = bindArgs('human_to_bytes', args, ['default_unit', 'isbits'], [null, false]);
  const text = pythonStr(size);
  const fail = () => new TemplateError(`human_to_bytes() can't interpret following string: ${text}`);
  const match = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text);
  if (!match || match[1] === '' || match[1] === '.') throw fail();
  const number = Number(match[1]);
  const unit = match[2] ?? (defaultUnit === null ? undefined : pythonStr(defaultUnit));
  if (unit === undefined) return roundHalfEven(number);
  const rangeKey = unit[0].toUpperCase();
  const range = SIZE_RANGES.find(([suffix]) => suffix === rangeKey);
  if (!range) throw fail();
  const [unitClass, unitName] = truthy(isbits) ? ['b', 'bit'] : ['B', 'byte'];
  if (unit.length > 1 && !unit.toLowerCase().includes(unitName) && unit[1] !== unitClass) throw fail();
  return roundHalfEven(number * range[1]);
}

export const FORMAT_FILTERS: Record<string, Callable> = {
  comment,
  human_readable: humanReadable,
  human_to_bytes: humanToBytes,
};
