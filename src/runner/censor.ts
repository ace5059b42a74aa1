import type { ModuleResult } from '../modules/contract.js';

const NO_LOG_RESULT = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** What output and logs show of a no_log task's result: its status, nothing of its content. */
export function censored(result: ModuleResult): ModuleResult {
  const shown: ModuleResult = { censored: NO_LOG_RESULT, changed: result.changed };
  if (result.failed) shown.failed = true;
  if (result.skipped) shown.skipped = true;
  return shown;
}

const TEMPLATED = /{{|{%/;

/**
 * What a no_log task hides from the rest of the run's output too (a later debug of hostvars, a message that quotes
 * it): every argument value that came from a template (literal words of the task are no secret), and what the
 * module printed.
 */
export function noLogSecrets(raw: unknown, rendered: unknown, result: ModuleResult): unknown[] {
  return [...templatedValues(raw, rendered), result.stdout, result.stderr];
}

function templatedValues(raw: unknown, rendered: unknown): unknown[] {
  if (typeof raw === 'string') return TEMPLATED.test(raw) ? [rendered] : [];
  if (!raw || typeof raw !== 'object' || !rendered || typeof rendered !== 'object') return [];
  return Object.entries(raw).flatMap(([key, value]) => templatedValues(value, (rendered as Record<string, unknown>)[key]));
}
