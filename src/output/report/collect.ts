import { unifiedDiff } from '../diff.js';
import type { HostEvent, HostStats, TaskInfo } from '../../runner/events.js';
import { QuietReporter } from '../quiet-reporter.js';
import type { ReportData, ReportTask } from './data.js';
import { reportPage } from './page.js';
import { writePrivateFile } from '../private-file.js';

export interface ReportOptions {
  playbook: string;
  check: boolean;
  diff: boolean;
}

/** --report FILE.html: collects the run as it goes and writes one self-contained page at the recap. */
export class HtmlReporter extends QuietReporter {
  private readonly started = Date.now();
  private readonly startedAt = performance.now();
  private play = '';
  private readonly tasks = new Map<TaskInfo, ReportTask & { start: number }>();
  private readonly hosts = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly options: ReportOptions,
  ) {
    super();
  }

  private now(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  playStart(name: string): void {
    this.play = name;
  }

  taskStart(task: TaskInfo): void {
    this.tasks.set(task, { title: task.title, where: task.where, play: this.play, hosts: {}, start: this.now() });
  }

  hostResult(task: TaskInfo, event: HostEvent): void {
    const entry = this.tasks.get(task);
    if (!entry) return;
    this.hosts.add(event.host);
    const troubled = event.status === 'failed' || event.status === 'unreachable';
    const diff = this.options.diff && !event.hidden ? event.diff.map(unifiedDiff).join('') : '';
    entry.hosts[event.host] = {
      status: event.status,
      ignored: event.ignored,
      start: entry.start,
      end: this.now(),
      ...(typeof event.result.msg === 'string' ? { msg: event.result.msg } : {}),
      ...(troubled ? { result: event.result } : {}),
      ...(diff ? { diff } : {}),
    };
  }

  recap(stats: Map<string, HostStats>): void {
    const data: ReportData = {
      playbook: this.options.playbook,
      started: new Date(this.started).toISOString(),
      durationMs: this.now(),
      check: this.options.check,
      diff: this.options.diff,
      hosts: [...new Set([...this.hosts, ...stats.keys()])].sort(),
      tasks: [...this.tasks.values()].filter((task) => Object.keys(task.hosts).length > 0).map(({ start: _start, ...task }) => task),
      recap: Object.fromEntries(stats),
    };
    // Owner-only: the page holds results, as the log file does.
    writePrivateFile(this.file, reportPage(data));
  }

}
