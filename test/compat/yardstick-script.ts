import { execa } from 'execa';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quoteArgv } from '../../src/connection/quote.js';

/*
 * A target driven by runme.sh, run as ansible-test runs it: in a copy of the target inside a
 * test/integration folder (its ../../inventory names testhost), with OUTPUT_DIR and INVENTORY_PATH set, and
 * `ansible-playbook` on PATH being a shim: the real one for the reference run, betif-play for the other.
 * Every call the script makes is logged (arguments, then exit code) so a failure tells how far it got.
 */

/**
 * Tools of Ansible's that betif-play does not replace: a script calling one measures Ansible, not betif-play,
 * unless the run lets the script use the real ones in both columns (withAnsibleTools).
 */
const ANSIBLE_TOOLS = [
  { pattern: /(^|[\s;|&(`"'])ansible\s+(-|\w)/m, tool: 'ad hoc `ansible`' },
  { pattern: /(^|[\s;|&(`"'])(ansible-(?!playbook\b)[a-z]+)/m, tool: '' },
];
const PYTHON_PACKAGES = { pattern: /virtualenv\.sh|pip install/, tool: 'a Python virtualenv with pip packages' };

/** Why a runme.sh target cannot measure betif-play, if it cannot. */
export function scriptNotApplicable(targetDir: string, withAnsibleTools: boolean): string | undefined {
  const blockers = withAnsibleTools ? [PYTHON_PACKAGES] : [...ANSIBLE_TOOLS, PYTHON_PACKAGES];
  const scripts = readdirSync(targetDir).filter((file) => file.endsWith('.sh'));
  for (const script of scripts) {
    const text = readFileSync(join(targetDir, script), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n');
    for (const { pattern, tool } of blockers) {
      const found = pattern.exec(text);
      if (found) return `not applicable: ${script} needs ${tool || found[2]}`;
    }
  }
  return undefined;
}

export interface ScriptWorkspace {
  /** The copy of the target, where runme.sh runs. */
  targetDir: string;
  /** The log of every ansible-playbook call the script made. */
  callLog: string;
  env: Record<string, string>;
}

/**
 * Lays out <into>/test/integration/{inventory,targets/<target>} (the target copied, the other targets linked,
 * as its scripts reach them through ../) and a bin folder with the ansible-playbook shim.
 */
export function prepareScriptWorkspace(options: {
  into: string;
  targetsDir: string;
  target: string;
  connection: string;
  outputDir: string;
  /** The command line the shim runs, before the script's arguments. */
  playbookCommand: string[];
  env: Record<string, string>;
}): ScriptWorkspace {
  const integration = join(options.into, 'test', 'integration');
  const targets = join(integration, 'targets');
  mkdirSync(targets, { recursive: true });
  for (const name of readdirSync(options.targetsDir)) {
    if (name === options.target) cpSync(join(options.targetsDir, name), join(targets, name), { recursive: true });
    else symlinkSync(join(options.targetsDir, name), join(targets, name));
  }
  const inventoryPath = join(integration, 'inventory');
  writeFileSync(inventoryPath, `[testgroup]\n${options.connection.replace(/^h\d+/, 'testhost')} ansible_python_interpreter=/usr/bin/python3\n`);
  writeFileSync(join(integration, 'integration_config.yml'), `output_dir: ${options.outputDir}\nlocal_tmp: ${options.outputDir}\n`);

  const bin = join(options.into, 'bin');
  mkdirSync(bin, { recursive: true });
  const callLog = join(options.into, 'calls.log');
  const runsLog = join(options.into, 'runs.log');
  const command = quoteArgv(options.playbookCommand);
  writeShim(
    join(bin, 'ansible-playbook'),
    [
      '#!/bin/bash',
      `printf '%s\\n' "ansible-playbook $*" >> ${quoteArgv([callLog])}`,
      `${command} "$@" > >(tee -a ${quoteArgv([runsLog])}) 2> >(tee -a ${quoteArgv([runsLog])} >&2)`,
      'rc=$?',
      `printf 'rc=%s\\n' "$rc" >> ${quoteArgv([callLog])}`,
      'exit $rc',
    ],
  );
  // Scripts call `python` (to strip colours, say); the same interpreter for both tools.
  if (!existsSync('/usr/bin/python')) writeShim(join(bin, 'python'), ['#!/bin/sh', 'exec python3 "$@"']);

  const targetDir = join(targets, options.target);
  const env = {
    ...options.env,
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    OUTPUT_DIR: options.outputDir,
    INVENTORY_PATH: inventoryPath,
    ANSIBLE_PLAYBOOK_DIR: targetDir,
  };
  return { targetDir, callLog, env };
}

function writeShim(path: string, lines: string[]): void {
  writeFileSync(path, `${lines.join('\n')}\n`);
  chmodSync(path, 0o755);
}

export interface ScriptOutcome {
  code: number;
  output: string;
  timedOut: boolean;
  /** Each ansible-playbook call: its arguments and exit code (undefined when it did not end). */
  calls: Array<{ args: string; code?: number }>;
  /** The last command the script traced (`set -x`) before it stopped. */
  lastCommand?: string;
}

export async function runScript(workspace: ScriptWorkspace, timeoutMs: number): Promise<ScriptOutcome> {
  const result = await execa('./runme.sh', [], { cwd: workspace.targetDir, env: workspace.env, extendEnv: false, reject: false, stdin: 'ignore', timeout: timeoutMs, all: true });
  const calls: ScriptOutcome['calls'] = [];
  const log = existsSync(workspace.callLog) ? readFileSync(workspace.callLog, 'utf8').split('\n') : [];
  for (const line of log) {
    const code = /^rc=(\d+)$/.exec(line);
    if (code) {
      const open = [...calls].reverse().find((call) => call.code === undefined);
      if (open) open.code = Number(code[1]);
    } else if (line) calls.push({ args: line });
  }
  const traced = result.stderr.split('\n').filter((line) => line.startsWith('+'));
  return { code: result.exitCode ?? 1, output: result.all ?? '', timedOut: result.timedOut, calls, lastCommand: traced.at(-1) };
}

export function scriptSummary(outcome: ScriptOutcome, timeout: string): string {
  const calls = `${outcome.calls.length} ansible-playbook runs`;
  if (outcome.timedOut) return `TIMEOUT after ${timeout} s (${calls})`;
  if (outcome.code === 0) return `pass (${calls})`;
  const failedCalls = outcome.calls.filter((call) => call.code !== 0);
  const lastFailed = failedCalls.at(-1);
  const where = lastFailed ? `; last failed run: ${lastFailed.args} rc=${lastFailed.code}` : '';
  return `FAIL rc=${outcome.code} after ${calls}: ${(outcome.lastCommand ?? '').slice(0, 160)}${where.slice(0, 200)}`;
}
