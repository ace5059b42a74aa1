import { basename, extname } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import type { HostEvent, TaskInfo } from '../runner/events.js';
import { QuietReporter } from './quiet-reporter.js';
import { writePrivateFile } from './private-file.js';

export interface JunitOptions {
  /** The first playbook's path: the test suite is named after it, as Ansible's junit callback does. */
  playbook: string;
  /** A changed result counts as a failure (drift checks with --check), like JUNIT_FAIL_ON_CHANGE. */
  failOnChange: boolean;
}

interface TestCase {
  name: string;
  classname: string;
  seconds: number;
  failure?: { message: string; type: string; output: string };
  skipped?: string;
  systemOut?: string;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', format: true, suppressEmptyNode: true });

/** Ansible's classname: the task's file:line (its column is betif-play's own). */
const classnameOf = (where: string): string => where.replace(/:\d+$/, '');

const seconds = (value: number): string => value.toFixed(3);

/**
 * --junit FILE: JUnit XML as Ansible's junit callback writes it (one testcase per task and host, named
 * "[host] play: task", classname file:line, failures with the message, skipped with the reason, the result as
 * system-out), plus unreachable hosts as failures, which Ansible leaves out.
 */
export class JunitReporter extends QuietReporter {
  private play = '';
  private readonly started = new Map<TaskInfo, number>();
  private readonly cases: TestCase[] = [];
  private readonly runStarted = new Date();

  constructor(
    private readonly file: string,
    private readonly options: JunitOptions,
  ) {
    super();
  }

  playStart(name: string): void {
    this.play = name;
  }

  taskStart(task: TaskInfo): void {
    this.started.set(task, performance.now());
  }

  hostResult(task: TaskInfo, event: HostEvent): void {
    const output = JSON.stringify(event.result);
    const testCase: TestCase = {
      name: `[${event.host}] ${this.play}: ${task.title}`,
      classname: classnameOf(task.where),
      seconds: (performance.now() - (this.started.get(task) ?? performance.now())) / 1000,
    };
    const message = typeof event.result.msg === 'string' ? event.result.msg : `rc=${String(event.result.rc ?? 0)}`;
    if (event.status === 'failed' && !event.ignored) testCase.failure = { message, type: 'failure', output };
    else if (event.status === 'unreachable') testCase.failure = { message, type: 'unreachable', output };
    else if (event.status === 'changed' && this.options.failOnChange) testCase.failure = { message: 'changed', type: 'changed', output };
    else if (event.status === 'skipped') testCase.skipped = typeof event.result.skip_reason === 'string' ? event.result.skip_reason : 'skipped';
    else testCase.systemOut = output;
    this.cases.push(testCase);
  }

  recap(): void {
    const failures = this.cases.filter((testCase) => testCase.failure).length;
    const skipped = this.cases.filter((testCase) => testCase.skipped !== undefined).length;
    const time = seconds(this.cases.reduce((total, testCase) => total + testCase.seconds, 0));
    const counts = { '@_disabled': '0', '@_errors': '0', '@_failures': String(failures) };
    const suite = {
      ...counts,
      '@_name': basename(this.options.playbook, extname(this.options.playbook)),
      '@_skipped': String(skipped),
      '@_tests': String(this.cases.length),
      '@_time': time,
      '@_timestamp': this.runStarted.toISOString().slice(0, 19),
      testcase: this.cases.map(xmlCase),
    };
    const xml = builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, testsuites: { ...counts, '@_tests': String(this.cases.length), '@_time': time, testsuite: suite } });
    writePrivateFile(this.file, xml);
  }

}

function xmlCase(testCase: TestCase): Record<string, unknown> {
  return {
    '@_classname': testCase.classname,
    '@_name': testCase.name,
    '@_time': seconds(testCase.seconds),
    ...(testCase.skipped !== undefined ? { skipped: { '#text': testCase.skipped } } : {}),
    ...(testCase.failure ? { failure: { '@_message': testCase.failure.message, '@_type': testCase.failure.type, '#text': testCase.failure.output } } : {}),
    ...(testCase.systemOut !== undefined ? { 'system-out': { '#text': testCase.systemOut } } : {}),
  };
}
