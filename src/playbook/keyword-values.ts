/**
 * The values of keywords whose type alone does not say enough (a `serial` of "abc", a negative `retries`, a
 * `become` of "maybe"): checked as written, before any host is contacted. A templated value is checked when
 * it is rendered.
 */
import { isTemplateText } from '../modules/args.js';

/** Ansible's boolean spellings (module_utils.parsing.convert_bool), any case. */
const BOOLEAN_WORDS = new Set(['yes', 'on', '1', 'true', 'y', 't', 'no', 'off', '0', 'false', 'n', 'f']);

const BOOLEAN_KEYWORDS = [
  'become', 'ignore_errors', 'ignore_unreachable', 'no_log', 'check_mode', 'diff', 'run_once', 'any_errors_fatal',
  'gather_facts', 'force_handlers',
];

function isBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return true;
  if (typeof value === 'number') return value === 0 || value === 1;
  return typeof value === 'string' && BOOLEAN_WORDS.has(value.trim().toLowerCase());
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*$/.test(value)) return Number(value);
  return undefined;
}

function wholeNumber(value: unknown, minimum: number): string | undefined {
  const number = asNumber(value);
  if (number === undefined || !Number.isInteger(number)) return `must be a whole number, not ${JSON.stringify(value)}`;
  return number < minimum ? `must be at least ${minimum}, not ${number}` : undefined;
}

function seconds(value: unknown): string | undefined {
  const number = asNumber(value);
  if (number === undefined) return `must be a number of seconds, not ${JSON.stringify(value)}`;
  return number < 0 ? `must not be negative, not ${number}` : undefined;
}

function percentage(value: unknown): string | undefined {
  const number = asNumber(typeof value === 'string' ? value.replace(/%\s*$/, '') : value);
  if (number === undefined) return `must be a percentage (a number from 0 to 100), not ${JSON.stringify(value)}`;
  return number < 0 || number > 100 ? `must be from 0 to 100, not ${number}` : undefined;
}

/** One batch size of `serial`: a host count, or a percentage of the play's hosts ("30%"). */
function batch(value: unknown): string | undefined {
  if (isTemplateText(value)) return undefined;
  if (typeof value === 'string' && value.trim().endsWith('%')) {
    const number = asNumber(value.trim().slice(0, -1));
    return number === undefined || number < 0 ? `must be a number of hosts or a percentage like '30%', not ${JSON.stringify(value)}` : undefined;
  }
  const number = asNumber(value);
  if (number === undefined || !Number.isInteger(number)) return `must be a number of hosts or a percentage like '30%', not ${JSON.stringify(value)}`;
  return number < 0 ? `must not be negative, not ${number}` : undefined;
}

const CHECKS: Record<string, (value: unknown) => string | undefined> = {
  ...Object.fromEntries(BOOLEAN_KEYWORDS.map((name) => [name, (value: unknown) => (isBoolean(value) ? undefined : `must be a boolean (yes/no, true/false), not ${JSON.stringify(value)}`)])),
  serial: (value) => (Array.isArray(value) ? value.map(batch).find(Boolean) : batch(value)),
  throttle: (value) => wholeNumber(value, 0),
  timeout: (value) => wholeNumber(value, 0),
  port: (value) => wholeNumber(value, 1),
  async: (value) => wholeNumber(value, 0),
  poll: (value) => wholeNumber(value, 0),
  retries: (value) => wholeNumber(value, 0),
  delay: seconds,
  max_fail_percentage: percentage,
  // Ansible's debugger stops the run for an interactive session; betif-play has none, so only `never` is taken.
  debugger: (value) => (value === 'never' ? undefined : `${JSON.stringify(value)} would start Ansible's interactive task debugger, which betif-play does not have (never, or no value, is accepted)`),
};

const LOOP_CONTROL_CHECKS: Record<string, (value: unknown) => string | undefined> = {
  pause: seconds,
  extended: CHECKS.become,
};

/** The first bad keyword value of a play, block or task mapping: the key (a dotted path inside loop_control) and why. */
export function badKeywordValue(map: Record<string, unknown>): { key: string; inner?: string; reason: string } | undefined {
  for (const [key, value] of Object.entries(map)) {
    if (value === null || value === undefined || isTemplateText(value)) continue;
    const reason = CHECKS[key]?.(value);
    if (reason) return { key, reason };
    if (key === 'loop_control' && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, item] of Object.entries(value as Record<string, unknown>)) {
        const innerReason = item === null || isTemplateText(item) ? undefined : LOOP_CONTROL_CHECKS[inner]?.(item);
        if (innerReason) return { key, inner, reason: innerReason };
      }
    }
  }
  return undefined;
}
