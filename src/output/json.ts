import { RUN_STATS, type CustomStats } from '../runner/custom-stats.js';
import type { Writable } from 'node:stream';
import type { HostEvent, HostStats, Reporter, TaskInfo } from '../runner/events.js';
import { unmatchedPatternWarning } from './format.js';

interface JsonTask {
  task: { name: string; path: string };
  hosts: Record<string, Record<string, unknown>>;
}

interface JsonPlay {
  play: { name: string };
  tasks: JsonTask[];
}

/** One JSON document for the whole run, shaped like Ansible's json callback (plays → tasks → hosts, then stats). */
export class JsonReporter implements Reporter {
  private readonly plays: JsonPlay[] = [];
  private readonly warnings: string[] = [];

  private custom: CustomStats = new Map();

  /** showCustomStats: ansible.cfg's show_custom_stats, as Ansible's json callback reads it. */
  constructor(
    private readonly out: Writable,
    private readonly showCustomStats = false,
  ) {}

  customStats(stats: CustomStats): void {
    this.custom = stats;
  }

  private currentTask(task: TaskInfo): JsonTask {
    const play = this.plays.at(-1);
    if (!play) throw new Error('a task outside of a play');
    const last = play.tasks.at(-1);
    if (last && last.task.path === task.where && last.task.name === task.title) return last;
    const created: JsonTask = { task: { name: task.title, path: task.where }, hosts: {} };
    play.tasks.push(created);
    return created;
  }

  playStart(name: string): void {
    this.plays.push({ play: { name }, tasks: [] });
  }

  noHosts(): void {}

  taskStart(task: TaskInfo): void {
    this.currentTask(task);
  }

  pending(): void {}

  retrying(): void {}

  itemResult(): void {}

  included(task: TaskInfo, file: string, hosts: string[]): void {
    const entry = this.currentTask(task);
    for (const host of hosts) entry.hosts[host] = { changed: false, include: file };
  }

  hostResult(task: TaskInfo, event: HostEvent): void {
    const entry = this.currentTask(task);
    entry.hosts[event.host] = event.result;
  }

  warning(message: string): void {
    this.warnings.push(message);
  }

  /** On stderr, as with the default output: stdout holds the JSON document only. */
  unmatchedPattern(part: string): void {
    process.stderr.write(`[WARNING]: ${unmatchedPatternWarning(part)}\n`);
  }

  command(): void {}

  recap(stats: Map<string, HostStats>): void {
    const summary = Object.fromEntries(
      [...stats.entries()].map(([host, value]) => [
        host,
        { ok: value.ok, changed: value.changed, failures: value.failed, unreachable: value.unreachable, skipped: value.skipped, rescued: value.rescued, ignored: value.ignored },
      ]),
    );
    // As Ansible's json callback: set_stats' statistics only with show_custom_stats, the run's apart from the hosts'.
    const custom = this.showCustomStats ? Object.fromEntries(this.custom) : {};
    const { [RUN_STATS]: global = {}, ...perHost } = custom;
    this.out.write(`${JSON.stringify({ plays: this.plays, stats: summary, custom_stats: perHost, global_custom_stats: global, warnings: this.warnings }, null, 4)}\n`);
  }
}
