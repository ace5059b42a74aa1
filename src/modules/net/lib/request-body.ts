import { ModuleFailure } from '../../contract.js';
import { pythonJson } from '../../shared/python-json.js';

/** Python's str() of a scalar, as to_text gives it (True, None ...). */
function pythonText(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  if (typeof value === 'object') return pythonJson(value).replace(/"/g, "'");
  return String(value);
}

/** urllib's quote_plus: only letters, digits and _.-~ stay, a space becomes +. */
const quotePlus = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');

/** uri's form_urlencoded: a dict or list of pairs, a list value repeating its key, None values left out. */
export function formUrlencoded(body: unknown): string {
  if (typeof body === 'string') return body;
  const pairs: [unknown, unknown][] = Array.isArray(body) ? body.map((pair) => (Array.isArray(pair) ? [pair[0], pair[1]] : [pair, undefined])) : Object.entries(body ?? {});
  const fields: string[] = [];
  for (const [key, raw] of pairs) {
    const values = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' ? Object.keys(raw) : [raw];
    for (const value of values) if (value !== null && value !== undefined) fields.push(`${quotePlus(pythonText(key))}=${quotePlus(pythonText(value))}`);
  }
  return fields.join('&');
}

export type BodyFormat = 'raw' | 'json' | 'form-urlencoded';

/** The body as uri sends it, and the Content-Type it adds when the task's headers name none. */
export function encodeBody(body: unknown, format: BodyFormat): { text?: string; contentType?: string } {
  // As uri does, a json request without a body sends JSON's null.
  if (format === 'json') return { text: typeof body === 'string' ? body : pythonJson(body ?? null), contentType: 'application/json' };
  if (format === 'form-urlencoded') return { text: body === undefined || body === null ? undefined : formUrlencoded(body), contentType: 'application/x-www-form-urlencoded' };
  if (body === undefined || body === null) return {};
  if (typeof body === 'object') throw new ModuleFailure('body must be text with body_format=raw (use body_format: json or form-urlencoded for a dict or list)');
  return { text: String(body) };
}
