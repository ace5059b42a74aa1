import { execa } from 'execa';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { BIN, parseRecap } from '../helpers/cli.js';
import { labPort, startLab } from '../helpers/lab.js';
import { connectionLines, writeAnsibleConfig } from './harness/workspace.js';
import { prepareScriptWorkspace, runScript, scriptNotApplicable, scriptSummary } from './yardstick-script.js';

/*
 * `npm run yardstick -- --targets DIR [NAME...]`: Ansible's own integration targets (DIR is
 * test/integration/targets of an ansible/ansible checkout; nothing of them is kept in this project) run
 * as ansible-test runs a target without runme.sh: a play on `testhost` with the target as its only role
 * (its meta dependencies, setup_remote_tmp_dir and the like, copied from DIR as roles), facts gathered.
 * Each tool gets its own lab host over SSH. A target driven by runme.sh runs that script with ansible-playbook on
 * PATH being each tool in turn (yardstick-script.ts); one that needs other Ansible tools is not applicable, unless
 * --with-ansible-tools lets it run the real ones (only ansible-playbook is then being compared).
 * The table shows how far each tool got. Scripts expect the en_US.UTF-8 locale (`localedef -i en_US -f UTF-8 en_US.UTF-8`).
 */

const DEFAULT_TARGETS = [
  'command_shell', 'copy', 'file', 'template', 'lineinfile', 'blockinfile', 'stat', 'replace', 'find', 'include_vars',
  'lookup_*', 'loops', 'handlers', 'blocks', 'tags', 'check_mode', 'var_precedence', 'include_import', 'any_errors_fatal', 'templating',
];
/** ansible-playbook, this betif-play, and optionally another build of betif-play (--compare: a before/after table). */
type Tool = 'ansible-playbook' | 'betif-play' | 'compared';

const { values: options, positionals } = parseArgs({
  options: {
    targets: { type: 'string' },
    timeout: { type: 'string', default: '900' },
    keep: { type: 'boolean', default: false },
    /** Another build's bundle (dist/bundle/cli/bin.js): its column comes before this build's, for a before/after table. */
    compare: { type: 'string' },
    /** Scripts may call Ansible's other tools (ad hoc ansible, ansible-config ...): both columns run the real ones. */
    'with-ansible-tools': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
if (!options.targets) {
  console.error('usage: npm run yardstick -- --targets ANSIBLE_CHECKOUT/test/integration/targets [--keep] [--timeout SECONDS] [--compare OTHER_BUILD/dist/bundle/cli/bin.js] [--with-ansible-tools] [NAME|GLOB ...]');
  process.exit(2);
}
const targetsDir = resolve(options.targets);
const timeoutMs = Number(options.timeout) * 1000;

function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
}

function selectTargets(patterns: string[]): string[] {
  const all = readdirSync(targetsDir).sort();
  const chosen = patterns.flatMap((pattern) => {
    const found = all.filter((name) => globRegex(pattern).test(name));
    if (found.length === 0) console.error(`no target matches ${pattern}`);
    return found;
  });
  return [...new Set(chosen)];
}

/** Why ansible-test's role-only way cannot run the target, if it cannot. */
function skipReason(name: string): string | undefined {
  const dir = join(targetsDir, name);
  if (existsSync(join(dir, 'runme.sh'))) return scriptNotApplicable(dir, options['with-ansible-tools']);
  if (!existsSync(join(dir, 'tasks', 'main.yml'))) return 'no tasks/main.yml';
  const aliases = existsSync(join(dir, 'aliases')) ? readFileSync(join(dir, 'aliases'), 'utf8').split('\n') : [];
  const unsupported = aliases.find((alias) => /^(disabled|unsupported|windows|network)/.test(alias.trim()));
  if (unsupported) return `aliases: ${unsupported.trim()}`;
  return missingDependency(name, new Set());
}

/** The roles a target's meta/main.yml depends on, by name. */
function directDependencies(name: string): string[] {
  const metaPath = join(targetsDir, name, 'meta', 'main.yml');
  if (!existsSync(metaPath)) return [];
  const meta = (parse(readFileSync(metaPath, 'utf8')) ?? {}) as { dependencies?: unknown[] };
  return (meta.dependencies ?? []).map((dependency) =>
    typeof dependency === 'string' ? dependency : ((dependency as Record<string, string>).role ?? (dependency as Record<string, string>).name));
}

/** A meta dependency that is not a target folder (a collection's role, say). */
function missingDependency(name: string, seen: Set<string>): string | undefined {
  if (seen.has(name)) return undefined;
  seen.add(name);
  for (const role of directDependencies(name)) {
    if (!existsSync(join(targetsDir, role))) return `dependency ${role} is not a target`;
    const deeper = missingDependency(role, seen);
    if (deeper) return deeper;
  }
  return undefined;
}

/** The target and every role it depends on, each once. */
function targetRoles(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const role of directDependencies(name)) targetRoles(role, seen);
  return seen;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * The failure that stopped the run (the last one not ignored: earlier ones were rescued), with its message,
 * from ansible-playbook-style output (a result printed on one line or indented over several).
 */
function stoppingFailure(stdout: string): string | undefined {
  const lines = stdout.split('\n');
  let task = '';
  let found: string | undefined;
  for (const [index, line] of lines.entries()) {
    const header = /^(TASK|RUNNING HANDLER) \[(.*)\] \**$/.exec(line);
    if (header) task = header[2];
    if (!/^(fatal|failed): \[/.test(line)) continue;
    const following = lines.slice(index + 1, lines.findIndex((next, at) => at > index && (next === '' || /^(TASK|RUNNING HANDLER|PLAY)/.test(next))));
    if (following.some((next) => next.startsWith('...ignoring'))) continue;
    const msg = /"msg": "((?:[^"\\]|\\.)*)"/.exec([line, ...following].join('\n'))?.[1] ?? line.slice(0, 160);
    found = `${task}: ${msg}`;
  }
  return found;
}

function summary(outcome: Outcome): string {
  if (outcome.timedOut) return `TIMEOUT after ${options.timeout} s`;
  const recap = parseRecap(outcome.stdout).testhost;
  const counts = recap ? ` (ok=${recap.ok} changed=${recap.changed} failed=${recap.failed})` : '';
  if (outcome.code === 0) return `pass${counts}`;
  const reason = stoppingFailure(outcome.stdout) ?? /ERROR!.*|\S.*$/m.exec(outcome.stderr || outcome.stdout)?.[0] ?? '';
  return `FAIL rc=${outcome.code}${counts}: ${reason.replace(/\s+/g, ' ').slice(0, 140)}`;
}

function toolCommand(tool: Tool): string[] {
  if (tool === 'ansible-playbook') return ['/usr/bin/ansible-playbook'];
  return [process.execPath, tool === 'compared' ? resolve(options.compare as string) : BIN];
}

async function run(tool: Tool, workspace: string, ansibleConfig: string, knownHostsPath: string): Promise<Outcome> {
  const args = ['playbook.yml', '-i', 'inventory', '-e', '@integration_config.yml'];
  const env = { ANSIBLE_ROLES_PATH: join(workspace, 'roles'), ANSIBLE_NOCOLOR: '1', NO_COLOR: '1', ANSIBLE_CONFIG: ansibleConfig };
  const [file, ...prefix] = toolCommand(tool);
  const argv = tool === 'ansible-playbook' ? args : [...prefix, ...args, '--known-hosts', knownHostsPath];
  const result = await execa(file, argv, { cwd: workspace, env, reject: false, stdin: 'ignore', timeout: timeoutMs, all: false });
  return { code: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut };
}

function prepare(into: string, target: string, connection: string, outputDir: string): void {
  mkdirSync(into, { recursive: true });
  writeFileSync(join(into, 'playbook.yml'), `- hosts: testhost\n  gather_facts: true\n  roles:\n    - role: ${target}\n`);
  // As ansible-test's inventory, the host names its Python (targets use ansible_python_interpreter).
  writeFileSync(join(into, 'inventory'), `[testgroup]\n${connection.replace(/^h\d+/, 'testhost')} ansible_python_interpreter=/usr/bin/python3\n`);
  writeFileSync(join(into, 'integration_config.yml'), `output_dir: ${outputDir}\nlocal_tmp: ${outputDir}\n`);
  // Each tool gets its own copy of the roles: targets change their own files on the controller (copy links into files/).
  for (const role of targetRoles(target)) cpSync(join(targetsDir, role), join(into, 'roles', role), { recursive: true, verbatimSymlinks: true });
}

/** As on ansible-test's test hosts, root logs in with a key in ~/.ssh/authorized_keys (the copy target copies it). */
function authorizeRootKey(hostRoot: string, publicKey: string): void {
  const sshDir = join(hostRoot, 'root', '.ssh');
  mkdirSync(sshDir, { recursive: true });
  chmodSync(sshDir, 0o700);
  writeFileSync(join(sshDir, 'authorized_keys'), publicKey, { mode: 0o600 });
}

/** One tool after the other: scripts use fixed paths (/tmp/...) on the controller that would collide. */
async function runScriptTarget(name: string): Promise<string[]> {
  const cells: string[] = [];
  for (const [position, tool] of TOOLS.entries()) {
    const outputDir = join(scratch, 'output', tool, name);
    mkdirSync(outputDir, { recursive: true });
    mkdirSync(join(lab.hosts[position].root, outputDir), { recursive: true });
    const workspace = prepareScriptWorkspace({
      into: join(scratch, tool, name),
      targetsDir,
      target: name,
      connection: connections[position],
      outputDir,
      playbookCommand: toolCommand(tool),
      env: { ...scriptEnv, BETIF_KNOWN_HOSTS: lab.knownHostsPath },
    });
    const outcome = await runScript(workspace, timeoutMs);
    writeFileSync(join(scratch, tool, name, 'output.txt'), outcome.output);
    cells.push(scriptSummary(outcome, options.timeout as string));
  }
  return cells;
}

const TOOLS: Tool[] = options.compare ? ['ansible-playbook', 'compared', 'betif-play'] : ['ansible-playbook', 'betif-play'];
const HEADERS: Record<Tool, string> = { 'ansible-playbook': 'ansible-playbook 2.14', compared: `betif-play (${options.compare})`, 'betif-play': 'betif-play' };
const names = selectTargets(positionals.length > 0 ? positionals : DEFAULT_TARGETS);
const scratch = mkdtempSync(join(tmpdir(), 'betif-yardstick-'));
const lab = await startLab(TOOLS.length, { basePort: labPort(3030), dir: join(tmpdir(), 'betif-yardstick-lab') });
const controlPathDir = mkdtempSync('/tmp/bys-');
const ansibleConfig = writeAnsibleConfig(scratch, lab.knownHostsPath, controlPathDir);
for (const host of lab.hosts) authorizeRootKey(host.root, readFileSync(`${lab.keyPath}.pub`, 'utf8'));
const connections = connectionLines(readFileSync(lab.inventoryPath, 'utf8'), lab.hosts.map((host) => host.name));
// A script's environment: the machine's (PATH, HOME, locale), with the lab's ansible.cfg.
const scriptEnv: Record<string, string> = {
  ...(Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ANSIBLE_') && !key.startsWith('BETIF_'))) as Record<string, string>),
  ANSIBLE_CONFIG: ansibleConfig,
  ANSIBLE_NOCOLOR: '1',
  NO_COLOR: '1',
};
const rows: string[][] = [];
// Rows are printed as they come (a long run can be stopped and still tell what it found).
const printRow = (row: string[]) => console.log(`| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`);
printRow(['target', ...TOOLS.map((tool) => HEADERS[tool])]);
console.log(`|${' --- |'.repeat(TOOLS.length + 1)}`);
const addRow = (row: string[]) => {
  rows.push(row);
  printRow(row);
};
try {
  for (const [index, name] of names.entries()) {
    if (process.stderr.isTTY) process.stderr.write(`\r[${index + 1}/${names.length}] ${name}`.padEnd(60));
    const skip = skipReason(name);
    if (skip) {
      addRow([name, ...TOOLS.map(() => `skipped: ${skip}`)]);
      continue;
    }
    if (existsSync(join(targetsDir, name, 'runme.sh'))) {
      addRow([name, ...(await runScriptTarget(name))]);
      continue;
    }
    const outcomes = await Promise.all(
      TOOLS.map((tool, position) => {
        // A fresh scratch folder per target on each host, at the same path on the controller (for delegate_to: localhost).
        const outputDir = join(scratch, 'output', tool, name);
        mkdirSync(outputDir, { recursive: true });
        mkdirSync(join(lab.hosts[position].root, outputDir), { recursive: true });
        const workspace = join(scratch, tool, name);
        prepare(workspace, name, connections[position], outputDir);
        // Each tool's output is kept as soon as it ends (the other may run much longer).
        return run(tool, workspace, ansibleConfig, lab.knownHostsPath).then((outcome) => {
          writeFileSync(join(workspace, 'output.txt'), `${outcome.stdout}${outcome.stderr}`);
          return outcome;
        });
      }),
    );
    addRow([name, ...outcomes.map(summary)]);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
} finally {
  await lab.stop();
  rmSync(controlPathDir, { recursive: true, force: true });
  if (!options.keep) rmSync(scratch, { recursive: true, force: true });
  else console.error(`workspaces (each with the tool's output.txt) kept in ${scratch}`);
}

const ran = rows.filter((row) => !row[1].startsWith('skipped'));
const ansiblePasses = ran.filter((row) => row[1].startsWith('pass'));
const passes = (column: number) => ansiblePasses.filter((row) => row[column].startsWith('pass')).length;
const counts = TOOLS.slice(1).map((tool, index) => `${HEADERS[tool]} passes ${passes(index + 2)}`).join(', ');
console.log(`\n${ran.length} targets ran (${rows.length - ran.length} skipped); ansible-playbook passes ${ansiblePasses.length}; of those, ${counts}.`);
