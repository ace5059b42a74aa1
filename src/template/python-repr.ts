import { isUndefined } from './undefined.js';
import { isDict, isText, isTuple } from './python-types.js';

/** Python's repr() of a float or int. */
function numberRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) >= 1e21) return BigInt(value).toString();
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

function escapeChar(char: string): string {
  switch (char) {
    case '\\': return '\\\\';
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    default: return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  }
}

/** Python's repr() of a str: single quotes unless the text has ' and no ". */
function stringRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value.replace(/[\\\n\r\t\x00-\x1f\x7f]/g, escapeChar);
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** Python's repr(): how a value looks inside a printed list or dict. */
export function pythonRepr(value: unknown): string {
  if (isUndefined(value)) value.fail();
  if (value === null || value === undefined) return 'None';
  if (isText(value)) return stringRepr(value.toString());
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberRepr(value);
  if (isTuple(value)) return `(${value.map(pythonRepr).join(', ')}${value.length === 1 ? ',' : ''})`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (isDict(value)) return `{${Object.entries(value).map(([key, item]) => `${stringRepr(key)}: ${pythonRepr(item)}`).join(', ')}}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'function') return (value as { pythonRepr?: string }).pythonRepr ?? '<function>';
  return String(value);
}

/** Python's str(): what `{{ value }}` prints inside text. */
export function pythonStr(value: unknown): string {
  return isText(value) ? value.toString() : pythonRepr(value);
}
