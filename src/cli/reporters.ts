import type { AnsibleConfig } from '../config/load.js';
import { fanOut } from '../output/fanout.js';
import { HumanReporter } from '../output/human.js';
import { JsonReporter } from '../output/json.js';
import { RedactingReporter } from '../output/redact.js';
import type { Reporter } from '../runner/events.js';
import type { Secrets } from '../runner/secrets.js';
import { OptionError } from './extra-vars.js';
import type { CliOptions } from './program.js';

const STDOUT_CALLBACKS = new Set(['default', 'ansible.builtin.default', 'json', 'ansible.posix.json', 'yaml', 'community.general.yaml']);
const TIMING_CALLBACKS = { tasks: ['profile_tasks', 'ansible.posix.profile_tasks'], total: ['timer', 'ansible.posix.timer'] };

/**
 * The reporters this run needs: the screen (stdout_callback, --json), the log (--log-file, BETIF_LOG, log_path) and
 * the profile_tasks/timer summaries; every one sees events only after the run's secrets are masked. The spinner
 * (ora) and the log (pino) are loaded only when used, to keep start-up fast.
 */
export async function reporterFor(options: CliOptions, config: AnsibleConfig, secrets: Secrets, playbook: string): Promise<Reporter> {
  const { stdoutCallback, callbacksEnabled, displaySkippedHosts, displayOkHosts, showCustomStats, logPath } = config.values;
  if (!STDOUT_CALLBACKS.has(stdoutCallback)) throw new OptionError(`Invalid callback for stdout specified: ${stdoutCallback} (betif-play knows default, yaml and json)`);
  const reporters: Reporter[] = [];
  if (options.json || stdoutCallback.endsWith('json')) {
    reporters.push(new JsonReporter(process.stdout, showCustomStats));
  } else {
    const human = new HumanReporter(process.stdout, {
      verbosity: options.verbose,
      color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
      columns: process.stdout.isTTY ? Math.max(79, (process.stdout.columns ?? 80) - 1) : 79,
      displaySkipped: displaySkippedHosts,
      displayOk: displayOkHosts,
      yamlResults: stdoutCallback.endsWith('yaml'),
      showCustomStats,
    });
    // A terminal that reports no width (some pseudo-terminals) cannot host a spinner that erases its own line.
    if (process.stderr.isTTY && process.stdout.isTTY && (process.stderr.columns ?? 0) > 0) {
      const { ProgressReporter } = await import('../output/progress.js');
      reporters.push(new ProgressReporter(human));
    } else {
      reporters.push(human);
    }
  }
  const logFile = options.logFile ?? process.env.BETIF_LOG ?? logPath;
  if (logFile) {
    const { LogReporter } = await import('../output/log.js');
    reporters.push(new LogReporter(logFile));
  }
  if (options.junit) {
    const { JunitReporter } = await import('../output/junit.js');
    reporters.push(new JunitReporter(options.junit, { playbook, failOnChange: options.junitFailOnChange }));
  }
  if (options.report) {
    const { HtmlReporter } = await import('../output/report/collect.js');
    reporters.push(new HtmlReporter(options.report, { playbook, check: options.check, diff: options.diff }));
  }
  let reporter = reporters.length === 1 ? reporters[0] : fanOut(reporters);
  const timing = {
    tasks: options.profile || callbacksEnabled.some((name) => TIMING_CALLBACKS.tasks.includes(name)),
    total: options.profile || callbacksEnabled.some((name) => TIMING_CALLBACKS.total.includes(name)),
  };
  if ((timing.tasks || timing.total) && !options.json) {
    const { TimingReporter } = await import('../output/timing.js');
    reporter = new TimingReporter(reporter, process.stdout, timing);
  }
  return new RedactingReporter(reporter, secrets);
}
