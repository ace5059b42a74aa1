import { Command, InvalidArgumentError, Option } from 'commander';

export interface CliOptions {
  inventory: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: string[];
  forks: number;
  check: boolean;
  diff: boolean;
  user?: string;
  become: boolean;
  becomeUser?: string;
  listHosts: boolean;
  listTasks: boolean;
  syntaxCheck: boolean;
  verbose: number;
  json: boolean;
  logFile?: string;
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  knownHosts: string[];
  forceHandlers: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const splitList = (value: string, previous: string[]) => [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];

/** The command line, with ansible-playbook's flags and meanings. */
export function buildProgram(version: string): Command {
  return new Command('betif-play')
    .description('Run Ansible-style YAML playbooks over SSH, agentless, in parallel.')
    .version(version, '--version', 'print the version and exit')
    .argument('<playbook...>', 'playbook files to run, in order')
    .option('-i, --inventory <path>', 'inventory file, folder, or comma-separated host list (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'only run on hosts matching this pattern')
    .option('-t, --tags <tags>', 'only run tasks tagged with these', splitList, [])
    .option('--skip-tags <tags>', 'skip tasks tagged with these', splitList, [])
    .option('-e, --extra-vars <vars>', 'extra variables: key=value, YAML/JSON text, or @file (repeatable)', collect, [])
    .addOption(new Option('-f, --forks <n>', 'how many hosts to work on at once').default(500).argParser(parseForks))
    .option('-C, --check', 'dry run: report what would change, change nothing', false)
    .option('-D, --diff', 'show the differences in files and settings', false)
    .option('-u, --user <name>', 'connect as this user')
    .option('-b, --become', 'run operations with sudo', false)
    .option('--become-user <name>', 'sudo to this user (default root)')
    .option('--list-hosts', 'list the hosts each play would run on, then exit', false)
    .option('--list-tasks', 'list the tasks each play would run, then exit', false)
    .option('--syntax-check', 'check the playbook and exit', false)
    .option('-v, --verbose', 'more detail (-vv, -vvv for more)', (_value: string, previous: number) => previous + 1, 0)
    .option('--json', 'print one JSON document instead of the human output', false)
    .option('--log-file <path>', 'write a JSON log of the run here (also BETIF_LOG)')
    .addOption(new Option('--host-key-checking <mode>', 'how to treat SSH host keys').choices(['strict', 'accept-new', 'off']).default('strict'))
    .option('--known-hosts <file>', 'extra known_hosts file to trust (repeatable; also BETIF_KNOWN_HOSTS)', collect, [])
    .option('--force-handlers', 'run notified handlers even on hosts that failed', false)
    .showSuggestionAfterError(true)
    .exitOverride();
}

function parseForks(value: string): number {
  const forks = Number(value);
  if (!Number.isInteger(forks) || forks < 1) throw new InvalidArgumentError(`--forks must be a whole number of at least 1, not '${value}'`);
  return forks;
}
