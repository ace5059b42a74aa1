/** Ansible's `now(utc=False, fmt=None)` global and the Python datetime it returns, with strftime. */
import { bindArgs } from './args.js';
import { TemplateError } from './errors.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** A point in time seen in local time or UTC, as Python's datetime.now() / utcnow(). */
export class PyDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;

  constructor(
    private readonly instant: Date,
    private readonly utc: boolean,
  ) {
    const get = (local: () => number, universal: () => number) => (utc ? universal() : local());
    this.year = get(() => instant.getFullYear(), () => instant.getUTCFullYear());
    this.month = get(() => instant.getMonth(), () => instant.getUTCMonth()) + 1;
    this.day = get(() => instant.getDate(), () => instant.getUTCDate());
    this.hour = get(() => instant.getHours(), () => instant.getUTCHours());
    this.minute = get(() => instant.getMinutes(), () => instant.getUTCMinutes());
    this.second = get(() => instant.getSeconds(), () => instant.getUTCSeconds());
    this.microsecond = instant.getMilliseconds() * 1000;
  }

  private weekday(): number {
    return this.utc ? this.instant.getUTCDay() : this.instant.getDay();
  }

  private dayOfYear(): number {
    return Math.floor((Date.UTC(this.year, this.month - 1, this.day) - Date.UTC(this.year, 0, 1)) / 86_400_000) + 1;
  }

  strftime(format: unknown): string {
    if (typeof format !== 'string') throw new TemplateError('strftime() argument 1 must be str');
    const hour12 = this.hour % 12 === 0 ? 12 : this.hour % 12;
    const codes: Record<string, () => string> = {
      Y: () => String(this.year),
      y: () => pad(this.year % 100),
      m: () => pad(this.month),
      d: () => pad(this.day),
      H: () => pad(this.hour),
      I: () => pad(hour12),
      M: () => pad(this.minute),
      S: () => pad(this.second),
      f: () => pad(this.microsecond, 6),
      p: () => (this.hour < 12 ? 'AM' : 'PM'),
      j: () => pad(this.dayOfYear(), 3),
      a: () => DAYS[this.weekday()].slice(0, 3),
      A: () => DAYS[this.weekday()],
      w: () => String(this.weekday()),
      b: () => MONTHS[this.month - 1].slice(0, 3),
      B: () => MONTHS[this.month - 1],
      s: () => String(Math.floor(this.instant.getTime() / 1000)),
      z: () => (this.utc ? '' : offset(this.instant)),
      Z: () => (this.utc ? '' : (Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(this.instant).find((part) => part.type === 'timeZoneName')?.value ?? '')),
      '%': () => '%',
    };
    return format.replace(/%(.)/g, (whole, code: string) => (Object.hasOwn(codes, code) ? codes[code]() : whole));
  }

  isoformat(separator: unknown = 'T'): string {
    return this.strftime(`%Y-%m-%d${String(separator)}%H:%M:%S.%f`);
  }

  timestamp(): number {
    return this.instant.getTime() / 1000;
  }

  toString(): string {
    return this.isoformat(' ');
  }
}

function offset(instant: Date): string {
  const minutes = -instant.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
}

/** Ansible's now(): the current time, local or UTC; formatted with strftime when fmt is given. */
export function now(...args: unknown[]): PyDateTime | string {
  const [utc, fmt] = bindArgs('now', args, ['utc', 'fmt'], [false, null]);
  const moment = new PyDateTime(new Date(), utc === true);
  return fmt === null || fmt === undefined ? moment : moment.strftime(fmt);
}
