import { escalatedCommand, escalationFailure, withoutPrompt } from './escalation.js';
import { BecomeError, type Connection, type ExecOptions, type ExecResult } from './types.js';

/** Runs commands on the controller itself (ansible_connection=local). */
export class LocalConnection implements Connection {
  constructor(readonly host: string) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (!options.become) return this.run(argv, options);
    const escalated = escalatedCommand(argv, options, options.become);
    const result = withoutPrompt(await this.run(escalated.argv, escalated.options), options.become);
    const failure = escalationFailure(result, options.become, this.host);
    if (failure) throw new BecomeError(failure);
    return result;
  }

  async reconnect(): Promise<void> {}

  async close(): Promise<void> {}

  private async run(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const [file, ...args] = argv;
    // Loaded by the first local command: a run that makes none never pays for it.
    const { execa } = await import('execa');
    const result = await execa(file, args, {
      input: options.stdin ?? '',
      cwd: options.cwd,
      env: options.env,
      reject: false,
      stripFinalNewline: false,
      encoding: 'utf8',
    });
    const rc = typeof result.exitCode === 'number' ? result.exitCode : 127;
    const stderr = result.failed && result.exitCode === undefined ? String(result.shortMessage ?? result.stderr) : result.stderr;
    return { rc, stdout: result.stdout, stderr };
  }
}
