import type { Connection } from '../../../connection/types.js';
import { ModuleFailure, type ModuleContext, type ModuleResult, type Plan } from '../../contract.js';
import type { CommandTarget } from './command-target.js';
import { formatDateTime, formatTimedelta, nowMicros } from '../../shared/python-time.js';

/** The arguments command and shell share. */
export interface CommandOptions {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
}

/** What to run: `argv` is executed, `cmd` is what the result reports (a list for command, the text for shell). */
export interface CommandRun {
  cmd: string | string[];
  argv: string[];
  /** Ansible's module warnings, returned as `warnings` (the output prints each once). */
  warnings?: string[];
}

function warningsOf(run: CommandRun): ModuleResult {
  return run.warnings && run.warnings.length > 0 ? { warnings: run.warnings } : {};
}

/** Python's str.splitlines(): no empty last line for a trailing line break. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function outputFields(stdout: string, stderr: string, strip: boolean): ModuleResult {
  const clean = (text: string): string => (strip ? text.replace(/[\r\n]+$/, '') : text);
  return {
    stdout: clean(stdout),
    stderr: clean(stderr),
    stdout_lines: splitLines(clean(stdout)),
    stderr_lines: splitLines(clean(stderr)),
  };
}

async function runCommand(connection: Connection, run: CommandRun, options: CommandOptions, chdir: string | undefined): Promise<ModuleResult> {
  const stdin = options.stdin === undefined ? undefined : options.stdin + (options.stdin_add_newline ? '\n' : '');
  const start = nowMicros();
  const { rc, stdout, stderr } = await connection.exec(run.argv, { cwd: chdir, stdin });
  const end = nowMicros();
  const result: ModuleResult = {
    changed: true,
    cmd: run.cmd,
    rc,
    ...outputFields(stdout, stderr, options.strip_empty_ends),
    start: formatDateTime(start),
    end: formatDateTime(end),
    delta: formatTimedelta(end - start),
    msg: '',
    ...warningsOf(run),
  };
  if (rc !== 0) throw new ModuleFailure('non-zero return code', result);
  return result;
}

/** Ansible's idempotence hint: creates that exists or removes that does not means the command is not run. */
function reasonNotToRun(target: CommandTarget, verb: 'Did' | 'Would'): { msg: string; stdout: string } | undefined {
  if (target.createsFound === true) {
    return { msg: `${verb} not run command since '${target.creates}' exists`, stdout: `skipped, since ${target.creates} exists` };
  }
  if (target.removesFound === false) {
    return { msg: `${verb} not run command since '${target.removes}' does not exist`, stdout: `skipped, since ${target.removes} does not exist` };
  }
  return undefined;
}

export const WOULD_HAVE_RUN = 'Command would have run if not in check mode';

/**
 * The plan command and shell share. In check mode the outcome is known only when creates/removes
 * decide it; otherwise the task is skipped, as in Ansible.
 */
export function planCommand(run: CommandRun, options: CommandOptions, target: CommandTarget, ctx: ModuleContext): Plan {
  const notRun = reasonNotToRun(target, ctx.check ? 'Would' : 'Did');
  const unrun: ModuleResult = { cmd: run.cmd, rc: 0, ...outputFields(notRun?.stdout ?? '', '', false), start: null, end: null, delta: null, ...warningsOf(run) };
  if (notRun) return { changed: false, result: { ...unrun, msg: notRun.msg } };
  const decidedByPath = options.creates !== undefined || options.removes !== undefined;
  if (ctx.check && !decidedByPath) return { changed: false, skip: WOULD_HAVE_RUN, result: unrun };
  return {
    changed: true,
    result: { ...unrun, msg: WOULD_HAVE_RUN },
    apply: () => runCommand(ctx.connection, run, options, target.chdir),
  };
}
