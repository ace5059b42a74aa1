import { globToRegExp } from '../inventory/fnmatch.js';

export type StepAnswer = 'yes' | 'no' | 'continue';

/**
 * --start-at-task and --step: decides whether a task runs. Tasks before the first whose name (with or without its
 * role prefix) equals or fnmatch-es the start name are left out; with --step the user is asked before each task,
 * and 'continue' stops asking.
 */
export class TaskGate {
  private startAt: string | undefined;
  private stepping: boolean;

  constructor(startAt: string | undefined, private readonly ask: ((title: string) => Promise<StepAnswer>) | undefined) {
    this.startAt = startAt;
    this.stepping = ask !== undefined;
  }

  /** The start task was never found (Ansible reports this after the run). */
  get startNotFound(): string | undefined {
    return this.startAt;
  }

  async admits(title: string, name: string | undefined): Promise<boolean> {
    if (this.startAt !== undefined) {
      const pattern = globToRegExp(this.startAt);
      const found = [title, name].some((candidate) => candidate !== undefined && (candidate === this.startAt || pattern.test(candidate)));
      if (!found) return false;
      this.startAt = undefined;
    }
    if (!this.stepping || !this.ask) return true;
    const answer = await this.ask(title);
    if (answer === 'continue') this.stepping = false;
    return answer !== 'no';
  }
}
