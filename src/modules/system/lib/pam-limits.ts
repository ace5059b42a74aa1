import { ModuleFailure } from '../../contract.js';

export interface LimitRequest {
  domain: string;
  limit_type: string;
  limit_item: string;
  value: string;
  use_max: boolean;
  use_min: boolean;
  comment: string;
}

const UNLIMITED = ['unlimited', 'infinity', '-1'];

/** Python's repr of a str, as Ansible's messages quote values. */
function pythonRepr(text: string): string {
  return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function assertValidValue(item: string, value: string, prefix = ''): void {
  if (item === 'nice' || item === 'priority') {
    const number = /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!(number >= -20 && number <= 19)) {
      throw new ModuleFailure(
        `${prefix} Value of ${pythonRepr(value)} for item ${pythonRepr(item)} is invalid. Value must be a number in the range -20 to 19 inclusive. Refer to the limits.conf(5) manual pages for more details.`,
      );
    }
  } else if (!(UNLIMITED.includes(value) || /^\d+$/.test(value))) {
    throw new ModuleFailure(
      `${prefix} Value of ${pythonRepr(value)} for item ${pythonRepr(item)} is invalid. Value must either be 'unlimited', 'infinity' or -1, all of which indicate no limit, or a limit of 0 or larger. Refer to the limits.conf(5) manual pages for more details.`,
    );
  }
}

/** The new value under use_max / use_min (unlimited beats any number for max, loses for min). */
function chosenValue(request: LimitRequest, actual: string): string {
  const actualUnlimited = UNLIMITED.includes(actual);
  const wantedUnlimited = UNLIMITED.includes(request.value);
  if (request.use_max) {
    if (actualUnlimited) return actual;
    if (wantedUnlimited) return request.value;
    return String(Math.max(Number(request.value), Number(actual)));
  }
  if (request.use_min) {
    if (actualUnlimited && wantedUnlimited) return actual;
    if (actualUnlimited) return request.value;
    if (wantedUnlimited) return actual;
    return String(Math.min(Number(request.value), Number(actual)));
  }
  return request.value;
}

/**
 * limits.conf as community.general.pam_limits rewrites it: the domain/type/item line gets the value
 * (tab-separated, with the comment), or one is appended. Its quirk is kept: without a comment of its
 * own, the line takes the comment of the last entry read before it (newline included).
 */
export function editLimits(content: string, request: LimitRequest, path: string): { content: string; changed: boolean; message: string } {
  let comment = request.comment;
  let found = false;
  let changed = false;
  let message = '';
  let value = request.value;
  const out: string[] = [];
  const newLimit = () => `${request.domain}\t${request.limit_type}\t${request.limit_item}\t${value}${comment ? `\t#${comment}` : ''}\n`;
  for (const line of content.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    if (line.startsWith('#')) {
      out.push(line);
      continue;
    }
    const squeezed = line.replace(/\s+/g, ' ').trim();
    if (!squeezed) {
      out.push(line);
      continue;
    }
    const hash = line.indexOf('#');
    const oldComment = hash < 0 ? '' : line.slice(hash + 1);
    if (!comment) comment = oldComment;
    const fields = squeezed.split('#')[0].replace(/\s+$/, '').split(' ');
    if (fields.length !== 4) {
      out.push(line);
      continue;
    }
    const [domain, type, item, actual] = fields;
    assertValidValue(item, actual, `Invalid configuration found in '${path}'.`);
    if (domain !== request.domain || type !== request.limit_type || item !== request.limit_item) {
      out.push(line);
      continue;
    }
    found = true;
    if (request.value === actual) {
      message = line;
      out.push(line);
      continue;
    }
    value = chosenValue(request, actual);
    if (value === actual) {
      message = line;
      out.push(line);
      continue;
    }
    changed = true;
    message = newLimit();
    out.push(message);
  }
  if (!found) {
    changed = true;
    message = newLimit();
    out.push(message);
  }
  return { content: out.join(''), changed, message };
}
