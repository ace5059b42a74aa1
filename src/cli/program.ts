import { Command, InvalidArgumentError, Option } from 'commander';
import { parseSlice, type Slice } from '../inventory/slice.js';

export interface CliOptions {
  inventory: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: string[];
  forks?: number;
  check: boolean;
  diff: boolean;
  user?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  askPass: boolean;
  askBecomePass: boolean;
  privateKey?: string;
  connection?: string;
  timeout?: number;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  askVaultPass: boolean;
  vaultPasswordFile: string[];
  vaultId: string[];
  startAtTask?: string;
  step: boolean;
  listTags: boolean;
  flushCache: boolean;
  modulePath: string[];
  listHosts: boolean;
  listTasks: boolean;
  syntaxCheck: boolean;
  verbose: number;
  json: boolean;
  logFile?: string;
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  knownHosts: string[];
  forceHandlers: boolean;
  slice?: Slice;
  junit?: string;
  junitFailOnChange: boolean;
  report?: string;
  profile: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const splitList = (value: string, previous: string[]) => [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];

/** The command line, with ansible-playbook's flags and meanings. */
export function buildProgram(version: string): Command {
  return new Command('betif-play')
    .description('Run Ansible-style YAML playbooks over SSH, agentless, in parallel. Reads ansible.cfg and ANSIBLE_* settings as Ansible does; `betif-play vault --help` for Ansible Vault files, `betif-play doc MODULE` (or `doc --list`) for module documentation.')
    .version(version, '--version', 'print the version and exit')
    .argument('<playbook...>', 'playbook files to run, in order')
    .option('-i, --inventory <path>', 'inventory file, folder, or comma-separated host list (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'only run on hosts matching this pattern')
    .option('-t, --tags <tags>', 'only run tasks tagged with these', splitList, [])
    .option('--skip-tags <tags>', 'skip tasks tagged with these', splitList, [])
    .option('-e, --extra-vars <vars>', 'extra variables: key=value, YAML/JSON text, or @file (repeatable)', collect, [])
    .addOption(new Option('-f, --forks <n>', 'how many hosts to work on at once (default: forks in ansible.cfg, else 500)').argParser(parseForks))
    .option('-C, --check', 'dry run: report what would change, change nothing', false)
    .option('-D, --diff', 'show the differences in files and settings', false)
    .option('-u, --user <name>', 'connect as this user')
    .option('-b, --become', 'run operations with become (sudo, or su with --become-method)')
    .option('--become-user <name>', 'become this user (default root)')
    .addOption(new Option('--become-method <method>', 'privilege escalation method').choices(['sudo', 'su']))
    .option('-K, --ask-become-pass', 'ask for the privilege escalation password', false)
    .option('-k, --ask-pass', 'ask for the connection password', false)
    .option('--private-key <file>', 'use this file to authenticate the connection')
    .option('-c, --connection <type>', 'connection type to use (ssh, local)')
    .addOption(new Option('-T, --timeout <seconds>', 'connection timeout in seconds').argParser(parseTimeout))
    .option('--ssh-common-args <args>', 'arguments for every ssh connection (-o options, -J)')
    .option('--ssh-extra-args <args>', 'extra ssh arguments (-o options)')
    .option('-J, --ask-vault-pass', 'ask for the vault password', false)
    .option('--vault-password-file <file>', 'vault password file, or an executable printing it (repeatable)', collect, [])
    .option('--vault-id <id>', 'vault identity label@source, source a file, an executable or prompt (repeatable)', collect, [])
    .option('--start-at-task <name>', 'start the playbook at the task matching this name')
    .option('--step', 'one-step-at-a-time: confirm each task before running', false)
    .option('--list-tags', 'list all available tags, then exit', false)
    .option('--flush-cache', 'clear the fact cache for every host in inventory', false)
    .option('-M, --module-path <paths>', 'prepend colon-separated paths to the module library (repeatable)', (value: string, previous: string[]) => [...previous, ...value.split(':').filter(Boolean)], [])
    .option('--list-hosts', 'list the hosts each play would run on, then exit', false)
    .option('--list-tasks', 'list the tasks each play would run, then exit', false)
    .option('--syntax-check', 'check the playbook and exit', false)
    .option('-v, --verbose', 'more detail (-vv, -vvv for more)', (_value: string, previous: number) => previous + 1, 0)
    .option('--json', 'print one JSON document instead of the human output', false)
    .option('--log-file <path>', 'write a JSON log of the run here (also BETIF_LOG)')
    .addOption(new Option('--host-key-checking <mode>', 'how to treat SSH host keys (default: strict, off when ansible.cfg says host_key_checking = False)').choices(['strict', 'accept-new', 'off']))
    .option('--known-hosts <file>', 'extra known_hosts file to trust (repeatable; also BETIF_KNOWN_HOSTS)', collect, [])
    .option('--force-handlers', 'run notified handlers even on hosts that failed', false)
    .option('--junit <file>', 'write a JUnit XML report (one testcase per task and host) to this file')
    .option('--junit-fail-on-change', 'count changed results as failures in the JUnit report (drift checks with --check)', false)
    .option('--profile', 'at the end, the slowest tasks with their per-host spread, and the total time (as profile_tasks and timer)', false)
    .option('--report <file.html>', 'write a self-contained HTML report of the run: recap, per-host timeline, task x host matrix, failures, diffs')
    .addOption(new Option('--slice <i/N>', 'run slice i of N of the (limited) hosts, as an AWX slice job: a host is always in the same slice').argParser(sliceOption))
    .showSuggestionAfterError(true)
    .exitOverride();
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) throw new InvalidArgumentError(`--timeout must be a whole number of seconds, not '${value}'`);
  return seconds;
}

function parseForks(value: string): number {
  const forks = Number(value);
  if (!Number.isInteger(forks) || forks < 1) throw new InvalidArgumentError(`--forks must be a whole number of at least 1, not '${value}'`);
  return forks;
}

function sliceOption(value: string): Slice {
  const slice = parseSlice(value);
  if (!slice) throw new InvalidArgumentError(`--slice must be i/N with 1 <= i <= N (for example 2/5), not '${value}'`);
  return slice;
}
