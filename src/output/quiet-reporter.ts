import type { CommandEvent, HostEvent, HostStats, Reporter, TaskInfo } from '../runner/events.js';

/** A reporter that ignores every event: the outputs written at the end (JUnit, HTML) override the few they use. */
export abstract class QuietReporter implements Reporter {
  playStart(_name: string): void {}
  noHosts(_message: string): void {}
  taskStart(_task: TaskInfo, _hostCount: number): void {}
  itemResult(_task: TaskInfo, _event: HostEvent): void {}
  hostResult(_task: TaskInfo, _event: HostEvent, _loop: boolean): void {}
  included(_task: TaskInfo, _file: string, _hosts: string[], _item?: { label: unknown }): void {}
  retrying(_task: TaskInfo, _host: string, _retriesLeft: number): void {}
  pending(_task: TaskInfo, _pending: number): void {}
  warning(_message: string): void {}
  command(_task: TaskInfo, _event: CommandEvent): void {}
  recap(_stats: Map<string, HostStats>): void {}
}
