import type { CustomStats } from '../runner/custom-stats.js';
import type { AsyncEvent, CommandEvent, HostEvent, HostStats, Reporter, TaskInfo } from '../runner/events.js';
import type { Secrets } from '../runner/secrets.js';

/** Masks the run's secret values in every event before any reporter (screen, JSON, log) sees it. */
export class RedactingReporter implements Reporter {
  constructor(private readonly inner: Reporter, private readonly secrets: Secrets) {}

  private event(event: HostEvent): HostEvent {
    return { ...event, result: this.secrets.mask(event.result), diff: this.secrets.mask(event.diff), item: event.item && { label: this.secrets.mask(event.item.label) } };
  }

  playbookStart(path: string, playCount: number): void {
    this.inner.playbookStart?.(path, playCount);
  }

  playStart(name: string): void {
    this.inner.playStart(name);
  }

  noHosts(message: string): void {
    this.inner.noHosts(message);
  }

  taskStart(task: TaskInfo, hostCount: number): void {
    this.inner.taskStart(task, hostCount);
  }

  retrying(task: TaskInfo, host: string, retriesLeft: number): void {
    this.inner.retrying(task, host, retriesLeft);
  }

  itemResult(task: TaskInfo, event: HostEvent): void {
    this.inner.itemResult(task, this.event(event));
  }

  hostResult(task: TaskInfo, event: HostEvent, loop: boolean): void {
    this.inner.hostResult(task, this.event(event), loop);
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

  pending(task: TaskInfo, pending: number): void {
    this.inner.pending(task, pending);
  }

  warning(message: string): void {
    this.inner.warning(this.secrets.maskText(message));
  }

  unmatchedPattern(part: string): void {
    this.inner.unmatchedPattern?.(this.secrets.maskText(part));
  }

  command(task: TaskInfo, event: CommandEvent): void {
    this.inner.command(task, { ...event, ...(event.argv ? { argv: this.secrets.mask([...event.argv]) } : {}) });
  }

  customStats(stats: CustomStats): void {
    this.inner.customStats?.(new Map([...stats].map(([owner, values]) => [owner, this.secrets.mask(values)])));
  }

  recap(stats: Map<string, HostStats>): void {
    this.inner.recap(stats);
  }
}
