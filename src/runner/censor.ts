import type { ModuleResult } from '../modules/contract.js';

const NO_LOG_RESULT = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** What output and logs show of a no_log task's result: its status, nothing of its content. */
export function censored(result: ModuleResult): ModuleResult {
  const shown: ModuleResult = { censored: NO_LOG_RESULT, changed: result.changed };
  if (result.failed) shown.failed = true;
  if (result.skipped) shown.skipped = true;
  return shown;
}
