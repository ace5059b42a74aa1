import { pino, type Logger } from 'pino';
import { openPrivateFile } from './private-file.js';
import type { CommandEvent, HostEvent, HostStats, Reporter, TaskInfo } from '../runner/events.js';
import { unmatchedPatternWarning } from './format.js';

/** A JSON-lines log of the run (pino): every task, every host result with its duration, the recap. */
export class LogReporter implements Reporter {
  private readonly logger: Logger;
  private readonly started = new Map<TaskInfo, number>();

  constructor(path: string) {
    // Owner-only from the first byte, also when appending to a log an earlier run left readable by others.
    this.logger = pino({ base: undefined }, pino.destination({ fd: openPrivateFile(path, 'a'), sync: true }));
  }

  playStart(name: string): void {
    this.logger.info({ event: 'play', play: name });
  }

  noHosts(message: string): void {
    this.logger.warn({ event: 'no_hosts', message });
  }

  taskStart(task: TaskInfo, hostCount: number): void {
    this.started.set(task, Date.now());
    this.logger.info({ event: 'task', task: task.title, where: task.where, module: task.module, hosts: hostCount });
  }

  pending(): void {}

  retrying(task: TaskInfo, host: string, retriesLeft: number): void {
    this.logger.info({ event: 'retry', task: task.title, host, retriesLeft });
  }

  included(task: TaskInfo, file: string, hosts: string[]): void {
    this.logger.info({ event: 'included', task: task.title, file, hosts });
  }

  private hostEvent(kind: string, task: TaskInfo, event: HostEvent): void {
    const started = this.started.get(task);
    this.logger.info({
      event: kind,
      task: task.title,
      host: event.host,
      status: event.status,
      item: event.item?.label,
      durationMs: started === undefined ? undefined : Date.now() - started,
      result: event.result,
    });
  }

  itemResult(task: TaskInfo, event: HostEvent): void {
    this.hostEvent('item', task, event);
  }

  hostResult(task: TaskInfo, event: HostEvent): void {
    this.hostEvent('result', task, event);
  }

  warning(message: string): void {
    this.logger.warn({ event: 'warning', message });
  }

  unmatchedPattern(part: string): void {
    this.warning(unmatchedPatternWarning(part));
  }

  command(task: TaskInfo, event: CommandEvent): void {
    this.logger.info({ event: 'command', task: task.title, host: event.host, argv: event.argv ?? '(hidden: no_log)', rc: event.rc, durationMs: event.durationMs });
  }

  recap(stats: Map<string, HostStats>): void {
    this.logger.info({ event: 'recap', stats: Object.fromEntries(stats) });
  }
}
