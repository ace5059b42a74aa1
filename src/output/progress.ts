import ora, { type Ora } from 'ora';
import type { CustomStats } from '../runner/custom-stats.js';
import type { AsyncEvent, CommandEvent, HostEvent, HostStats, Reporter, TaskInfo } from '../runner/events.js';

/** On a terminal: a spinner under the output naming the running task and how many hosts are still on it. */
export class ProgressReporter implements Reporter {
  private readonly spinner: Ora = ora({ stream: process.stderr, discardStdin: false });

  constructor(private readonly inner: Reporter) {}

  private around(print: () => void): void {
    const spinning = this.spinner.isSpinning;
    if (spinning) this.spinner.clear();
    print();
    if (spinning) this.spinner.render();
  }

  playbookStart(path: string, playCount: number): void {
    this.around(() => this.inner.playbookStart?.(path, playCount));
  }

  playStart(name: string): void {
    this.around(() => this.inner.playStart(name));
  }

  noHosts(message: string): void {
    this.around(() => this.inner.noHosts(message));
  }

  taskStart(task: TaskInfo, hostCount: number): void {
    this.around(() => this.inner.taskStart(task, hostCount));
    this.spinner.start(`${task.title} (${hostCount} host${hostCount === 1 ? '' : 's'} pending)`);
  }

  pending(task: TaskInfo, pending: number): void {
    if (pending === 0) this.spinner.stop();
    else this.spinner.text = `${task.title} (${pending} host${pending === 1 ? '' : 's'} pending)`;
  }

  retrying(task: TaskInfo, host: string, retriesLeft: number): void {
    this.around(() => this.inner.retrying(task, host, retriesLeft));
  }

  itemResult(task: TaskInfo, event: HostEvent): void {
    this.around(() => this.inner.itemResult(task, event));
  }

  hostResult(task: TaskInfo, event: HostEvent, loop: boolean): void {
    this.around(() => this.inner.hostResult(task, event, loop));
  }

  notified(handler: string, host: string): void {
    this.around(() => this.inner.notified?.(handler, host));
  }

  asyncJob(task: TaskInfo, host: string, event: AsyncEvent, jobId: string): void {
    this.around(() => this.inner.asyncJob?.(task, host, event, jobId));
  }

  meta(task: TaskInfo, message: string): void {
    this.around(() => this.inner.meta?.(task, message));
  }

  included(task: TaskInfo, file: string, hosts: string[], item?: { label: unknown }): void {
    this.around(() => this.inner.included(task, file, hosts, item));
  }

  warning(message: string): void {
    this.around(() => this.inner.warning(message));
  }

  unmatchedPattern(part: string): void {
    this.around(() => this.inner.unmatchedPattern?.(part));
  }

  command(task: TaskInfo, event: CommandEvent): void {
    this.inner.command(task, event);
  }

  customStats(stats: CustomStats): void {
    this.around(() => this.inner.customStats?.(stats));
  }

  recap(stats: Map<string, HostStats>): void {
    this.spinner.stop();
    this.inner.recap(stats);
  }
}
