import type { Writable } from 'node:stream';
import type { CustomStats } from '../runner/custom-stats.js';
import type { AsyncEvent, CommandEvent, HostEvent, HostStats, Reporter, TaskInfo } from '../runner/events.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/**
 * ansible.cfg's callbacks_enabled = profile_tasks and/or timer: after the recap, the time each task took (slowest
 * first, as profile_tasks) and the whole run's time (as timer).
 */
export class TimingReporter implements Reporter {
  private readonly started = Date.now();
  private readonly tasks: { title: string; where: string; start: number; end?: number }[] = [];

  constructor(private readonly inner: Reporter, private readonly out: Writable, private readonly show: { tasks: boolean; total: boolean }) {}

  private closeLast(): void {
    const last = this.tasks.at(-1);
    if (last && last.end === undefined) last.end = Date.now();
  }

  playbookStart(path: string, playCount: number): void {
    this.inner.playbookStart?.(path, playCount);
  }

  playStart(name: string): void {
    this.closeLast();
    this.inner.playStart(name);
  }

  noHosts(message: string): void {
    this.inner.noHosts(message);
  }

  taskStart(task: TaskInfo, hostCount: number): void {
    this.closeLast();
    this.tasks.push({ title: task.title, where: task.where, start: Date.now() });
    this.inner.taskStart(task, hostCount);
  }

  itemResult(task: TaskInfo, event: HostEvent): void {
    this.inner.itemResult(task, event);
  }

  hostResult(task: TaskInfo, event: HostEvent, loop: boolean): void {
    this.inner.hostResult(task, event, loop);
  }

  notified(handler: string, host: string): void {
    this.inner.notified?.(handler, host);
  }

  asyncJob(task: TaskInfo, host: string, event: AsyncEvent, jobId: string): void {
    this.inner.asyncJob?.(task, host, event, jobId);
  }

  meta(task: TaskInfo, message: string): void {
    this.inner.meta?.(task, message);
  }

  included(task: TaskInfo, file: string, hosts: string[], item?: { label: unknown }): void {
    this.inner.included(task, file, hosts, item);
  }

  retrying(task: TaskInfo, host: string, retriesLeft: number): void {
    this.inner.retrying(task, host, retriesLeft);
  }

  pending(task: TaskInfo, pending: number): void {
    this.inner.pending(task, pending);
  }

  warning(message: string): void {
    this.inner.warning(message);
  }

  command(task: TaskInfo, event: CommandEvent): void {
    this.inner.command(task, event);
  }

  customStats(stats: CustomStats): void {
    this.inner.customStats?.(stats);
  }

  recap(stats: Map<string, HostStats>): void {
    this.closeLast();
    this.inner.recap(stats);
    const total = Date.now() - this.started;
    if (this.show.tasks && this.tasks.length > 0) {
      const rows = this.tasks.map((task) => ({ label: task.title, took: (task.end ?? Date.now()) - task.start })).sort((a, b) => b.took - a.took);
      this.out.write(`${'='.repeat(79)}\n`);
      for (const row of rows) {
        const time = seconds(row.took);
        this.out.write(`${row.label} ${'-'.repeat(Math.max(3, 78 - row.label.length - time.length))} ${time}\n`);
      }
    }
    if (this.show.total) {
      const totalSeconds = Math.floor(total / 1000);
      const [hours, minutes, secs] = [Math.floor(totalSeconds / 3600), Math.floor(totalSeconds / 60) % 60, totalSeconds % 60];
      this.out.write(`Playbook run took 0 days, ${hours} hours, ${minutes} minutes, ${secs} seconds\n`);
    }
  }
}
