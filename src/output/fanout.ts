import type { Reporter } from '../runner/events.js';

/** Sends every event to several reporters (screen, log file, ...). */
export function fanOut(reporters: Reporter[]): Reporter {
  return {
    playbookStart: (...args) => reporters.forEach((reporter) => reporter.playbookStart?.(...args)),
    playStart: (...args) => reporters.forEach((reporter) => reporter.playStart(...args)),
    noHosts: (...args) => reporters.forEach((reporter) => reporter.noHosts(...args)),
    taskStart: (...args) => reporters.forEach((reporter) => reporter.taskStart(...args)),
    retrying: (...args) => reporters.forEach((reporter) => reporter.retrying(...args)),
    itemResult: (...args) => reporters.forEach((reporter) => reporter.itemResult(...args)),
    hostResult: (...args) => reporters.forEach((reporter) => reporter.hostResult(...args)),
    notified: (...args) => reporters.forEach((reporter) => reporter.notified?.(...args)),
    meta: (...args) => reporters.forEach((reporter) => reporter.meta?.(...args)),
    asyncJob: (...args) => reporters.forEach((reporter) => reporter.asyncJob?.(...args)),
    customStats: (...args) => reporters.forEach((reporter) => reporter.customStats?.(...args)),
    included: (...args) => reporters.forEach((reporter) => reporter.included(...args)),
    pending: (...args) => reporters.forEach((reporter) => reporter.pending(...args)),
    warning: (...args) => reporters.forEach((reporter) => reporter.warning(...args)),
    unmatchedPattern: (...args) => reporters.forEach((reporter) => reporter.unmatchedPattern?.(...args)),
    command: (...args) => reporters.forEach((reporter) => reporter.command(...args)),
    recap: (...args) => reporters.forEach((reporter) => reporter.recap(...args)),
  };
}
