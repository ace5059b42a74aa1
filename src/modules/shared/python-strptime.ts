/*
 * Python's time.strptime followed by time.mktime: a formatted time to seconds since the epoch, read as
 * local time. The directives are those of Python's _strptime, with its patterns (so "%Y%m%d%H%M.%S"
 * splits digits exactly as Python does).
 */

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

type Field = 'year' | 'shortYear' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'ampm' | 'minute' | 'second' | 'dayOfYear' | 'weekday' | 'fraction' | 'epoch';

const DIRECTIVES: Record<string, { pattern: string; field?: Field }> = {
  Y: { pattern: '\\d\\d\\d\\d', field: 'year' },
  y: { pattern: '\\d\\d', field: 'shortYear' },
  m: { pattern: '1[0-2]|0[1-9]|[1-9]', field: 'month' },
  d: { pattern: '3[01]|[12]\\d|0[1-9]|[1-9]| [1-9]', field: 'day' },
  H: { pattern: '2[0-3]|[0-1]\\d|\\d', field: 'hour' },
  I: { pattern: '1[0-2]|0[1-9]|[1-9]', field: 'hour12' },
  M: { pattern: '[0-5]\\d|\\d', field: 'minute' },
  S: { pattern: '6[0-1]|[0-5]\\d|\\d', field: 'second' },
  f: { pattern: '[0-9]{1,6}', field: 'fraction' },
  j: { pattern: '36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]', field: 'dayOfYear' },
  p: { pattern: 'am|pm', field: 'ampm' },
  b: { pattern: MONTHS.map((name) => name.slice(0, 3)).join('|'), field: 'monthName' },
  B: { pattern: MONTHS.join('|'), field: 'monthName' },
  a: { pattern: DAYS.map((name) => name.slice(0, 3)).join('|'), field: 'weekday' },
  A: { pattern: DAYS.join('|'), field: 'weekday' },
  s: { pattern: '\\d+', field: 'epoch' },
  '%': { pattern: '%' },
};

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function formatRegex(format: string): { regex: RegExp; fields: (Field | undefined)[] } {
  const fields: (Field | undefined)[] = [];
  let source = '';
  for (let index = 0; index < format.length; index += 1) {
    const char = format[index];
    if (char === '%' && index + 1 < format.length) {
      const directive = DIRECTIVES[format[index + 1]];
      if (!directive) throw new Error(`'${format[index + 1]}' is a bad directive in format '${format}'`);
      source += `(${directive.pattern})`;
      fields.push(directive.field);
      index += 1;
    } else if (char === '%') {
      throw new Error(`stray % in format '${format}'`);
    } else {
      // As Python: any run of whitespace in the format matches any run (or none) in the text.
      source += /\s/.test(char) ? '\\s*' : escapeRegex(char);
    }
  }
  return { regex: new RegExp(`^(?:${source})`, 'i'), fields };
}

/** Seconds since the epoch for `text` read with `format` in local time; throws Python's ValueError message. */
export function strptimeEpoch(text: string, format: string): number {
  const { regex, fields } = formatRegex(format);
  const match = regex.exec(text);
  if (!match) throw new Error(`time data '${text}' does not match format '${format}'`);
  if (match[0].length !== text.length) throw new Error(`unconverted data remains: ${text.slice(match[0].length)}`);
  const parts: Partial<Record<Field, string>> = {};
  fields.forEach((field, index) => {
    if (field) parts[field] = match[index + 1].trim();
  });
  if (parts.epoch !== undefined) return Number(parts.epoch);
  let year = parts.year !== undefined ? Number(parts.year) : 1900;
  if (parts.shortYear !== undefined) {
    const short = Number(parts.shortYear);
    year = short <= 68 ? 2000 + short : 1900 + short;
  }
  let month = parts.month !== undefined ? Number(parts.month) : 1;
  if (parts.monthName !== undefined) month = MONTHS.findIndex((name) => name.startsWith(parts.monthName!.toLowerCase())) + 1;
  let day = parts.day !== undefined ? Number(parts.day) : 1;
  if (parts.dayOfYear !== undefined && parts.month === undefined && parts.monthName === undefined && parts.day === undefined) {
    const date = new Date(year, 0, Number(parts.dayOfYear));
    month = date.getMonth() + 1;
    day = date.getDate();
  }
  let hour = parts.hour !== undefined ? Number(parts.hour) : 0;
  if (parts.hour12 !== undefined) {
    hour = Number(parts.hour12) % 12;
    if (parts.ampm?.toLowerCase() === 'pm') hour += 12;
  }
  const date = new Date(year, month - 1, day, hour, Number(parts.minute ?? 0), Number(parts.second ?? 0));
  if (date.getMonth() !== month - 1 || date.getDate() !== day) throw new Error('day is out of range for month');
  return date.getTime() / 1000;
}
