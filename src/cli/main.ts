import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { ConnectionPool } from '../connection/pool.js';
import { InventoryError } from '../inventory/errors.js';
import { loadInventory } from '../inventory/load.js';
import { hostsInSlice, SlicedInventory } from '../inventory/slice.js';
import { loadModules } from '../modules/registry.js';
import { fanOut } from '../output/fanout.js';
import { HumanReporter } from '../output/human.js';
import { JsonReporter } from '../output/json.js';
import { RedactingReporter } from '../output/redact.js';
import { loadPlaybook } from '../playbook/load.js';
import { PlaybookError } from '../playbook/source.js';
import type { Reporter } from '../runner/events.js';
import { runPlaybooks } from '../runner/playbook.js';
import { Secrets } from '../runner/secrets.js';
import type { RunContext, RunOptions } from '../runner/state.js';
import { TemplateError } from '../template/templar.js';
import { OptionError, parseExtraVars } from './extra-vars.js';
import { listing } from './listing.js';
import { RecapMergeError, recapMerge } from './recap-merge.js';
import { buildProgram, type CliOptions } from './program.js';

export const EXIT = { ok: 0, hostFailed: 2, unreachableOrInvalid: 4, badOptions: 5, interrupted: 99, unexpected: 250 } as const;

function defaultInventory(): string[] {
  if (process.env.BETIF_INVENTORY) return process.env.BETIF_INVENTORY.split(',');
  return existsSync('/etc/ansible/hosts') ? ['/etc/ansible/hosts'] : [];
}

function knownHostsFiles(options: CliOptions): string[] {
  const fromEnvironment = (process.env.BETIF_KNOWN_HOSTS ?? '').split(':').filter(Boolean);
  return [join(homedir(), '.ssh', 'known_hosts'), ...fromEnvironment, ...options.knownHosts];
}

/** The reporters this run needs; the spinner (ora) and the log (pino) are loaded only when used, to keep start-up fast. */
async function reporterFor(options: CliOptions, secrets: Secrets, playbook: string): Promise<Reporter> {
  const reporters: Reporter[] = [];
  if (options.json) {
    reporters.push(new JsonReporter(process.stdout));
  } else {
    const human = new HumanReporter(process.stdout, {
      verbosity: options.verbose,
      color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
      columns: process.stdout.isTTY ? Math.max(79, (process.stdout.columns ?? 80) - 1) : 79,
    });
    // A terminal that reports no width (some pseudo-terminals) cannot host a spinner that erases its own line.
    if (process.stderr.isTTY && process.stdout.isTTY && (process.stderr.columns ?? 0) > 0) {
      const { ProgressReporter } = await import('../output/progress.js');
      reporters.push(new ProgressReporter(human));
    } else {
      reporters.push(human);
    }
  }
  const logFile = options.logFile ?? process.env.BETIF_LOG;
  if (logFile) {
    const { LogReporter } = await import('../output/log.js');
    reporters.push(new LogReporter(logFile));
  }
  if (options.junit) {
    const { JunitReporter } = await import('../output/junit.js');
    reporters.push(new JunitReporter(options.junit, { playbook, failOnChange: options.junitFailOnChange }));
  }
  if (options.report) {
    const { HtmlReporter } = await import('../output/report/collect.js');
    reporters.push(new HtmlReporter(options.report, { playbook, check: options.check, diff: options.diff }));
  }
  return new RedactingReporter(reporters.length === 1 ? reporters[0] : fanOut(reporters), secrets);
}

function runOptions(options: CliOptions): RunOptions {
  return {
    check: options.check,
    diff: options.diff,
    forks: options.forks,
    tags: options.tags,
    skipTags: options.skipTags,
    extraVars: parseExtraVars(options.extraVars),
    limit: options.limit,
    user: options.user,
    become: options.become,
    becomeUser: options.becomeUser,
    forceHandlers: options.forceHandlers,
    hostKeyChecking: options.hostKeyChecking,
    knownHostsFiles: knownHostsFiles(options),
    verbosity: options.verbose,
  };
}

/** `betif-play recap merge FILES...` (the --json outputs of sliced runs). */
function recapCommand(args: string[]): number {
  try {
    if (args[0] !== 'merge') throw new RecapMergeError('usage: betif-play recap merge SLICE.json...');
    return recapMerge(args.slice(1));
  } catch (error) {
    if (!(error instanceof RecapMergeError)) throw error;
    process.stderr.write(`ERROR! ${error.message}\n`);
    return EXIT.unreachableOrInvalid;
  }
}

/** `betif-play schema ...`: JSON Schemas for editors. */
async function schemaSubcommand(args: string[]): Promise<number> {
  const { SchemaCommandError, schemaCommand } = await import('./schema-command.js');
  try {
    return schemaCommand(args, await loadModules());
  } catch (error) {
    if (!(error instanceof SchemaCommandError)) throw error;
    process.stderr.write(`ERROR! ${error.message}\n`);
    return EXIT.badOptions;
  }
}

/** Runs betif-play with these arguments and returns the process exit code (ansible-playbook's codes). */
export async function main(argv: string[], version: string): Promise<number> {
  if (argv[2] === 'recap') return recapCommand(argv.slice(3));
  if (argv[2] === 'schema') return schemaSubcommand(argv.slice(3));
  const program = buildProgram(version);
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badOptions;
    throw error;
  }
  const options = program.opts<CliOptions>();
  const paths = program.args;
  try {
    const run = runOptions(options);
    const secrets = new Secrets();
    const registry = await loadModules();
    const playbooks = paths.map((path) => loadPlaybook(path, registry));
    const whole = await loadInventory(options.inventory.length > 0 ? options.inventory : defaultInventory(), { playbookDir: playbooks[0]?.dir });
    const inventory = options.slice ? new SlicedInventory(whole, hostsInSlice(whole.select(options.limit ?? 'all'), options.slice), options.slice) : whole;
    for (const warning of inventory.warnings) process.stderr.write(`[WARNING]: ${warning}\n`);
    if (options.limit && inventory.select(options.limit).length === 0) {
      process.stderr.write(`[WARNING]: Could not match supplied host pattern, ignoring: ${options.limit}\n`);
    }
    if (options.syntaxCheck || options.listHosts || options.listTasks) {
      const context: RunContext = { options: run, inventory, pool: new ConnectionPool(), reporter: await reporterFor(options, secrets, paths[0]), hosts: new Map(), playbookDir: playbooks[0]?.dir ?? '.', secrets };
      for (const playbook of playbooks) {
        process.stdout.write(options.syntaxCheck && !options.listHosts && !options.listTasks ? `\nplaybook: ${playbook.path}\n` : listing(playbook, context, { hosts: options.listHosts, tasks: options.listTasks }));
      }
      return EXIT.ok;
    }
    process.once('SIGINT', () => {
      process.stderr.write('\n[ERROR]: User interrupted execution\n');
      process.exit(EXIT.interrupted);
    });
    const summary = await runPlaybooks(playbooks, inventory, registry, run, await reporterFor(options, secrets, paths[0]), secrets);
    return summary.exitCode;
  } catch (error) {
    if (error instanceof OptionError) {
      process.stderr.write(`ERROR! ${error.message}\n`);
      return EXIT.badOptions;
    }
    if (error instanceof PlaybookError || error instanceof InventoryError || error instanceof TemplateError) {
      process.stderr.write(`ERROR! ${error.message}\n`);
      if (options.verbose >= 3) process.stderr.write(`${error.stack}\n`);
      return EXIT.unreachableOrInvalid;
    }
    process.stderr.write(`ERROR! Unexpected failure: ${(error as Error).message}\n`);
    if (options.verbose >= 3) process.stderr.write(`${(error as Error).stack}\n`);
    return EXIT.unexpected;
  }
}
