import type { Writable } from 'node:stream';
import type { ModuleResult } from '../modules/contract.js';
import type { HostEvent, HostStats, Reporter, TaskInfo } from '../runner/events.js';
import { pythonStr } from '../template/python-repr.js';
import { unifiedDiff } from './diff.js';
import { banner, dumpResult, recapLine } from './format.js';

const COLORS = { ok: 32, changed: 33, skipped: 36, failed: 31, unreachable: 31, warning: 35 } as const;
const DEBUG_MODULES = new Set(['debug', 'ansible.builtin.debug']);
/** Modules whose result Ansible always prints (they set _ansible_verbose_always). */
const ALWAYS_SHOWN = new Set([...DEBUG_MODULES, 'assert', 'ansible.builtin.assert']);
const HIDDEN_IN_DEBUG = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason'];

export interface HumanOptions {
  verbosity: number;
  color: boolean;
  columns: number;
}

/** Ansible's default output: PLAY/TASK banners, one line per host, diffs under --diff, and the PLAY RECAP. */
export class HumanReporter implements Reporter {
  private bannerPrinted = false;
  private currentTask: TaskInfo | undefined;

  constructor(private readonly out: Writable, private readonly options: HumanOptions) {}

  private write(line: string, color?: number): void {
    this.out.write(color !== undefined && this.options.color ? `\u001b[0;${color}m${line}\u001b[0m\n` : `${line}\n`);
  }

  private ensureBanner(task: TaskInfo): void {
    if (this.bannerPrinted && this.currentTask === task) return;
    this.currentTask = task;
    this.bannerPrinted = true;
    this.write(banner(`${task.isHandler ? 'RUNNING HANDLER' : 'TASK'} [${task.title}]`, this.options.columns));
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
    this.ensureBanner(task);
    if (this.options.verbosity >= 2) this.write(`task path: ${task.where}`);
  }

  pending(): void {}

  retrying(task: TaskInfo, host: string, retriesLeft: number): void {
    this.ensureBanner(task);
    this.write(`FAILED - RETRYING: [${host}]: ${task.title} (${retriesLeft} retries left).`, COLORS.failed);
  }

  warning(message: string): void {
    this.write(`[WARNING]: ${message}`, COLORS.warning);
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
    delete shown.failed;
    delete shown.skipped;
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

  itemResult(task: TaskInfo, event: HostEvent): void {
    this.ensureBanner(task);
    this.printDiffs(event);
    const label = `(item=${pythonStr(event.item?.label)})`;
    const host = this.hostLabel(event);
    const indent = this.options.verbosity > 2 || this.alwaysShown(task);
    const dump = () => dumpResult(this.cleaned(task, event.result), indent);
    switch (event.status) {
      case 'failed':
        this.write(`failed: [${host}] ${label} => ${dump()}`, COLORS.failed);
        break;
      case 'skipped':
        this.write(`skipping: [${host}] => ${label} ${this.options.verbosity > 0 ? `=> ${dump()}` : ''}`, COLORS.skipped);
        break;
      default:
        this.write(`${event.status}: [${host}] => ${label}${this.verbose(task) ? ` => ${dump()}` : ''}`, COLORS[event.status]);
    }
  }

  hostResult(task: TaskInfo, event: HostEvent, loop: boolean): void {
    this.ensureBanner(task);
    const host = this.hostLabel(event);
    const indent = this.options.verbosity > 2 || (this.alwaysShown(task) && !event.runnerError);
    const dump = () => dumpResult(this.cleaned(task, event.result), indent);
    if (!loop) this.printDiffs(event);
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

  recap(stats: Map<string, HostStats>): void {
    this.write(banner('PLAY RECAP', this.options.columns));
    for (const host of [...stats.keys()].sort()) this.write(recapLine(host, stats.get(host) as HostStats));
    this.write('');
  }
}

/** A --check plan's task that waits for an earlier task of the run (see runner/plan-dependency.ts). */
function dependsOn(result: ModuleResult): string {
  return typeof result.depends_on === 'string' ? ` (depends on: ${result.depends_on})` : '';
}
