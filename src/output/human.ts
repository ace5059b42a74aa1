import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import type { ModuleResult } from '../modules/contract.js';
import { RUN_STATS, type CustomStats } from '../runner/custom-stats.js';
import type { AsyncEvent, HostEvent, HostStats, Reporter, TaskInfo } from '../runner/events.js';
import { pythonStr } from '../template/python-repr.js';
import { unifiedDiff } from './diff.js';
import { sortedKeys } from '../python/sorted-keys.js';
import { banner, dumpResult, recapLine, unmatchedPatternWarning } from './format.js';
import { dumpYamlResult } from './yaml-result.js';

const COLORS = { ok: 32, changed: 33, skipped: 36, failed: 31, unreachable: 31, warning: 35, verbose: 34, debug: '1;30' } as const;
const DEBUG_MODULES = new Set(['debug', 'ansible.builtin.debug']);
/** Modules whose result Ansible always prints (they set _ansible_verbose_always). */
const ALWAYS_SHOWN = new Set([...DEBUG_MODULES, 'assert', 'ansible.builtin.assert']);
const HIDDEN_IN_DEBUG = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason'];

export interface HumanOptions {
  verbosity: number;
  color: boolean;
  columns: number;
  /** ansible.cfg's display_skipped_hosts and display_ok_hosts (both true by default). */
  displaySkipped?: boolean;
  displayOk?: boolean;
  /** stdout_callback = yaml: results printed as YAML instead of JSON. */
  yamlResults?: boolean;
  /** ansible.cfg's show_custom_stats: set_stats' statistics after the recap. */
  showCustomStats?: boolean;
}

/** As Ansible's Display.get_deprecation_message words a module's deprecation. */
function deprecationText(deprecation: unknown): string {
  const entry = (deprecation && typeof deprecation === 'object' ? deprecation : { msg: String(deprecation) }) as Record<string, unknown>;
  let msg = String(entry.msg ?? '').trim();
  if (msg && !/[!?.]$/.test(msg)) msg += '.';
  const collection = entry.collection_name === 'ansible.builtin' ? 'ansible-core' : entry.collection_name;
  const when = entry.date ? `in a release after ${String(entry.date)}.` : entry.version ? `in version ${String(entry.version)}.` : 'in a future release.';
  return [`[DEPRECATION WARNING]: ${msg}`, 'This feature will be removed', collection ? `from ${String(collection)}` : '', when, 'Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.']
    .filter(Boolean)
    .join(' ');
}

/** Ansible's default output: PLAY/TASK banners, one line per host, diffs under --diff, and the PLAY RECAP. */
export class HumanReporter implements Reporter {
  private bannerPrinted = false;
  private currentTask: TaskInfo | undefined;
  /** As Ansible's display: each distinct warning and deprecation text is printed once per run. */
  private readonly warningsShown = new Set<string>();
  private readonly noticesShown = new Set<string>();
  private custom: CustomStats | undefined;

  constructor(
    private readonly out: Writable,
    private readonly options: HumanOptions,
    /** Where Ansible's display writes what it writes on stderr. */
    private readonly errors: Writable = process.stderr,
  ) {}

  /** A colour as Ansible's display codes it: a number is plain (0;N), a string the whole code (dark gray is 1;30). */
  private colored(line: string, color?: number | string): string {
    if (color === undefined || !this.options.color) return `${line}\n`;
    return `\u001b[${typeof color === 'number' ? `0;${color}` : color}m${line}\u001b[0m\n`;
  }

  private write(line: string, color?: number | string): void {
    this.out.write(this.colored(line, color));
  }

  /** Whether this warning text is new to the run (each is printed once, see warningsShown). */
  private firstTime(message: string): boolean {
    if (this.warningsShown.has(message)) return false;
    this.warningsShown.add(message);
    return true;
  }

  private ensureBanner(task: TaskInfo): void {
    if (this.bannerPrinted && this.currentTask === task) return;
    this.currentTask = task;
    this.bannerPrinted = true;
    this.write(banner(`${task.isHandler ? 'RUNNING HANDLER' : 'TASK'} [${task.title}]`, this.options.columns));
  }

  /** As Ansible's default callback and playbook executor at -vv. */
  playbookStart(path: string, playCount: number): void {
    if (this.options.verbosity < 2) return;
    this.write(banner(`PLAYBOOK: ${basename(path)}`, this.options.columns));
    this.write(`${playCount} plays in ${path}`);
  }

  playStart(name: string): void {
    this.write(banner(`PLAY [${name}]`, this.options.columns));
  }

  noHosts(message: string): void {
    this.write(message, COLORS.skipped);
  }

  taskStart(task: TaskInfo): void {
    this.bannerPrinted = false;
    this.currentTask = task;
    // Like Ansible, a task whose results may all be hidden gets its banner only with its first shown result.
    if (this.options.displaySkipped === false || this.options.displayOk === false) return;
    this.ensureBanner(task);
    if (this.options.verbosity >= 2) this.write(`task path: ${task.where}`);
    // Python modules are named from -v (they are the exception), native ones from -vvv (as Ansible names its module files).
    if (task.moduleFile && this.options.verbosity >= 1) this.write(`Using module file ${task.moduleFile}`);
    if (task.nativeModule && this.options.verbosity >= 3) this.write(`Using betif-play's native module ${task.nativeModule}`);
  }

  pending(): void {}

  /** As Ansible's default callback (v2_runner_on_async_poll, _ok, _failed). */
  asyncJob(task: TaskInfo, host: string, event: AsyncEvent, jobId: string): void {
    this.ensureBanner(task);
    const line = { poll: `ASYNC POLL on ${host}: jid=${jobId} started=1 finished=0`, ok: `ASYNC OK on ${host}: jid=${jobId}`, failed: `ASYNC FAILED on ${host}: jid=${jobId}` }[event];
    this.write(line, COLORS.debug);
  }

  retrying(task: TaskInfo, host: string, retriesLeft: number): void {
    this.ensureBanner(task);
    this.write(`FAILED - RETRYING: [${host}]: ${task.title} (${retriesLeft} retries left).`, COLORS.failed);
  }

  /** On stderr, as Ansible's display prints warnings and deprecations. */
  private notice(line: string): void {
    this.errors.write(this.colored(line, COLORS.warning));
  }

  warning(message: string): void {
    if (this.firstTime(message)) this.notice(`[WARNING]: ${message}`);
  }

  unmatchedPattern(part: string): void {
    this.warning(unmatchedPatternWarning(part));
  }

  /** As Ansible's default callback at -vv, before the result of the task that notified. */
  notified(handler: string, host: string): void {
    if (this.options.verbosity < 2 || !this.currentTask) return;
    this.ensureBanner(this.currentTask);
    this.write(`NOTIFIED HANDLER ${handler} for ${host}`, COLORS.verbose);
  }

  /** As Ansible's strategy at -vv, after the task's banner. */
  meta(task: TaskInfo, message: string): void {
    if (this.options.verbosity < 2) return;
    this.ensureBanner(task);
    this.write(`META: ${message}`, COLORS.verbose);
  }

  included(task: TaskInfo, file: string, hosts: string[], item?: { label: unknown }): void {
    this.ensureBanner(task);
    this.write(`included: ${file} for ${hosts.join(', ')}${item ? ` => (item=${pythonStr(item.label)})` : ''}`, COLORS.skipped);
  }

  private hostLabel(event: HostEvent): string {
    return event.delegatedTo ? `${event.host} -> ${event.delegatedTo}` : event.host;
  }

  private cleaned(task: TaskInfo, result: ModuleResult): Record<string, unknown> {
    const shown: Record<string, unknown> = { ...result };
    for (const key of Object.keys(shown)) if (key.startsWith('_ansible_')) delete shown[key];
    // As Ansible's TaskResult.clean_copy: the status is the line's prefix, not a key.
    delete shown.diff;
    if (!shown.skipped) delete shown.warnings;
    delete shown.failed;
    delete shown.skipped;
    delete shown.exception;
    delete shown.deprecations;
    if (this.options.verbosity < 3) delete shown.invocation;
    if (task.module && DEBUG_MODULES.has(task.module)) {
      if ('msg' in shown) {
        for (const key of Object.keys(shown)) if (key !== 'msg') delete shown[key];
      } else {
        for (const key of HIDDEN_IN_DEBUG) delete shown[key];
      }
    }
    return shown;
  }

  private verbose(task: TaskInfo): boolean {
    return this.options.verbosity > 0 || this.alwaysShown(task);
  }

  private alwaysShown(task: TaskInfo): boolean {
    return task.module !== undefined && ALWAYS_SHOWN.has(task.module);
  }

  private printDiffs(event: HostEvent): void {
    if (event.hidden) return;
    for (const change of event.diff) {
      const text = unifiedDiff(change);
      if (text) this.out.write(text);
    }
  }

  /** A module's warnings, deprecations and exception, printed before its host line as Ansible's default callback does (not for skipped or unreachable hosts). */
  private printNotices(event: HostEvent): void {
    if (event.hidden) return;
    const { warnings, deprecations, exception } = event.result;
    // Ansible's Display shows each distinct warning and deprecation once per run.
    const once = (text: string, show: () => void) => {
      if (this.noticesShown.has(text)) return;
      this.noticesShown.add(text);
      show();
    };
    if (Array.isArray(warnings)) for (const warning of warnings) this.warning(String(warning));
    if (Array.isArray(deprecations)) for (const deprecation of deprecations) once(deprecationText(deprecation), () => this.notice(deprecationText(deprecation)));
    if (event.status === 'failed' && typeof exception === 'string') {
      const text = this.options.verbosity < 3
        ? `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${exception.trim().split('\n').at(-1)}`
        : `The full traceback is:\n${exception}`;
      this.write(text, COLORS.failed);
    }
  }

  private dump(result: Record<string, unknown>, indent: boolean): string {
    return this.options.yamlResults ? dumpYamlResult(result) : dumpResult(result, indent);
  }

  private hidden(event: HostEvent): boolean {
    return (event.status === 'skipped' && this.options.displaySkipped === false) || (event.status === 'ok' && this.options.displayOk === false);
  }

  itemResult(task: TaskInfo, event: HostEvent): void {
    if (this.hidden(event)) return;
    this.ensureBanner(task);
    this.printDiffs(event);
    if (event.status !== 'skipped' && event.status !== 'unreachable') this.printNotices(event);
    const label = `(item=${pythonStr(event.item?.label)})`;
    const host = this.hostLabel(event);
    const indent = this.options.verbosity > 2 || this.alwaysShown(task);
    const dump = () => this.dump(this.cleaned(task, event.result), indent);
    switch (event.status) {
      case 'failed':
        this.write(`failed: [${host}] ${label} => ${dump()}`, COLORS.failed);
        break;
      case 'skipped':
        this.write(`skipping: [${host}] => ${label} ${this.options.verbosity > 0 ? `=> ${dump()}` : ''}`, COLORS.skipped);
        break;
      default:
        this.write(`${event.status}: [${host}] => ${label}${dependsOn(event.result)}${this.verbose(task) ? ` => ${dump()}` : ''}`, COLORS[event.status]);
    }
  }

  hostResult(task: TaskInfo, event: HostEvent, loop: boolean): void {
    if (this.hidden(event)) return;
    this.ensureBanner(task);
    const host = this.hostLabel(event);
    const indent = this.options.verbosity > 2 || (this.alwaysShown(task) && !event.runnerError);
    const dump = () => this.dump(this.cleaned(task, event.result), indent);
    if (!loop) this.printDiffs(event);
    if (event.status !== 'skipped' && event.status !== 'unreachable') this.printNotices(event);
    switch (event.status) {
      case 'unreachable':
        this.write(`fatal: [${host}]: UNREACHABLE! => ${dump()}`, COLORS.unreachable);
        if (event.ignored) this.write('...ignoring', COLORS.skipped);
        return;
      case 'failed':
        if (!loop) this.write(`fatal: [${host}]: FAILED! => ${dump()}`, COLORS.failed);
        if (event.ignored) this.write('...ignoring', COLORS.skipped);
        return;
      case 'skipped':
        this.write(`skipping: [${host}]${this.options.verbosity > 0 ? ` => ${dump()}` : ''}`, COLORS.skipped);
        return;
      default:
        if (!loop) this.write(`${event.status}: [${host}]${dependsOn(event.result)}${this.verbose(task) ? ` => ${dump()}` : ''}`, COLORS[event.status]);
    }
  }

  command(): void {}

  customStats(stats: CustomStats): void {
    if (this.options.showCustomStats) this.custom = stats;
  }

  recap(stats: Map<string, HostStats>): void {
    this.write(banner('PLAY RECAP', this.options.columns));
    for (const host of [...stats.keys()].sort()) this.write(recapLine(host, stats.get(host) as HostStats));
    this.write('');
    if (this.custom) this.writeCustomStats(this.custom);
  }

  /** As Ansible's default callback: each host's statistics, then the run's, each mapping on one line. */
  private writeCustomStats(stats: CustomStats): void {
    this.write(banner('CUSTOM STATS:', this.options.columns));
    const oneLine = (value: Record<string, unknown>) => JSON.stringify(sortedKeys(value), null, 1).replace(/\n/g, '');
    for (const host of [...stats.keys()].sort()) if (host !== RUN_STATS) this.write(`\t${host}: ${oneLine(stats.get(host) as Record<string, unknown>)}`);
    const run = stats.get(RUN_STATS);
    if (run) this.write(`\n\tRUN: ${oneLine(run)}`);
    this.write('');
  }
}

/** A --check plan's task that waits for an earlier task of the run (see runner/plan-dependency.ts). */
function dependsOn(result: ModuleResult): string {
  return typeof result.depends_on === 'string' ? ` (depends on: ${result.depends_on})` : '';
}
