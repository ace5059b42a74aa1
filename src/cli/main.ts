import { existsSync } from 'node:fs';
import { CommanderError } from 'commander';
import { setLibraryPaths } from '../ansible-modules/lookup.js';
import { ConfigError } from '../config/errors.js';
import { loadConfig, type AnsibleConfig } from '../config/load.js';
import { ConnectionPool } from '../connection/pool.js';
import { InventoryError } from '../inventory/errors.js';
import { type Inventory, loadInventory } from '../inventory/load.js';
import type { Playbook } from '../playbook/types.js';
import { reportInternalError } from './internal-error.js';
import { hostsInSlice, SlicedInventory } from '../inventory/slice.js';
import { loadModules, moduleIndex } from '../modules/registry.js';
import { loadPlaybook } from '../playbook/load.js';
import { PlaybookError } from '../playbook/source.js';
import { runPlaybooks } from '../runner/playbook.js';
import { RunError } from '../runner/run-error.js';
import { Secrets } from '../runner/secrets.js';
import type { RunContext } from '../runner/state.js';
import { TemplateError } from '../template/templar.js';
import { VaultError } from '../vault/keyring.js';
import { OptionError } from './extra-vars.js';
import { exitOnInterrupt, silencedOnInterrupt } from './interrupt.js';
import { listing } from './listing.js';
import { RecapMergeError, recapMerge } from './recap-merge.js';
import { buildProgram, type CliOptions } from './program.js';
import { PromptError } from './prompt.js';
import { reporterFor } from './reporters.js';
import { writeRetryFile } from './retry-file.js';
import { runOptionsFrom } from './run-options.js';
import { askPasswords, setUpVault } from './secrets-setup.js';
import { askStep } from './step.js';
import { unmatchedPatternWarning } from '../output/format.js';

export const EXIT = { ok: 0, error: 1, hostFailed: 2, unreachableOrInvalid: 4, badOptions: 5, interrupted: 99, unexpected: 250 } as const;

/** -i, else ANSIBLE_INVENTORY / ansible.cfg's inventory (default /etc/ansible/hosts), else BETIF_INVENTORY. */
function inventorySources(options: CliOptions, config: AnsibleConfig): string[] {
  if (options.inventory.length > 0) return options.inventory;
  if (config.origins.inventory) return config.values.inventory ?? [];
  if (process.env.BETIF_INVENTORY) return process.env.BETIF_INVENTORY.split(',');
  return existsSync('/etc/ansible/hosts') ? ['/etc/ansible/hosts'] : [];
}

/**
 * What ansible-playbook checks of the inventory before anything else (its CLI.get_host_list, --syntax-check
 * included): an empty inventory is worth a warning; a --limit that leaves no host of a non-empty inventory ends the
 * run (exit 1), after a warning for each part of it that matched nothing.
 */
function checkHostList(inventory: Inventory, limit: string | undefined, localhostWarning: boolean): void {
  const empty = inventory.hostNames().length === 0;
  // Ansible's display wraps its warnings at 80 columns where the output is not a terminal.
  if (empty && localhostWarning) process.stderr.write("[WARNING]: provided hosts list is empty, only localhost is available. Note that\nthe implicit localhost does not match 'all'\n");
  if (limit === undefined) return;
  for (const part of inventory.unmatched(limit)) process.stderr.write(`[WARNING]: ${unmatchedPatternWarning(part)}\n`);
  if (!empty && inventory.select(limit).length === 0) throw new RunError('Specified inventory, host pattern and/or --limit leaves us with no hosts to target.');
}

/** A subcommand's own errors: one ERROR! line and the given exit code; anything else is a bug and propagates. */
async function reportingErrors(kind: new (...args: never[]) => Error, exitCode: number, run: () => number | Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof kind)) throw error;
    process.stderr.write(`ERROR! ${error.message}\n`);
    return exitCode;
  }
}

/** `betif-play recap merge FILES...` (the --json outputs of sliced runs). */
function recapCommand(args: string[]): Promise<number> {
  return reportingErrors(RecapMergeError, EXIT.unreachableOrInvalid, () => {
    if (args[0] !== 'merge') throw new RecapMergeError('usage: betif-play recap merge SLICE.json...');
    return recapMerge(args.slice(1));
  });
}

/** `betif-play schema ...`: JSON Schemas for editors. */
async function schemaSubcommand(args: string[]): Promise<number> {
  const { SchemaCommandError, schemaCommand } = await import('./schema-command.js');
  return reportingErrors(SchemaCommandError, EXIT.badOptions, async () => schemaCommand(args, await loadModules()));
}

/** `betif-play doc ...`: module documentation, as ansible-doc prints it. */
async function docSubcommand(args: string[]): Promise<number> {
  const { DocCommandError, docCommand } = await import('./doc-command.js');
  return reportingErrors(DocCommandError, EXIT.badOptions, async () => docCommand(args, await loadModules()));
}

/** Runs betif-play with these arguments and returns the process exit code (ansible-playbook's codes). */
export async function main(argv: string[], version: string): Promise<number> {
  if (argv[2] === 'recap') return recapCommand(argv.slice(3));
  if (argv[2] === 'schema') return schemaSubcommand(argv.slice(3));
  if (argv[2] === 'doc') return docSubcommand(argv.slice(3));
  if (argv[2] === 'vault') {
    const { vaultMain } = await import('./vault-command.js');
    return vaultMain(argv.slice(3), version);
  }
  const program = buildProgram(version);
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badOptions;
    throw error;
  }
  const options = program.opts<CliOptions>();
  const paths = program.args;
  const secrets = new Secrets();
  try {
    const config = loadConfig();
    for (const warning of config.warnings) process.stderr.write(`[WARNING]: ${warning}\n`);
    // The role loaders read ANSIBLE_ROLES_PATH; ansible.cfg's roles_path reaches them the same way.
    if (config.origins.rolesPath && !process.env.BETIF_ROLES_PATH) process.env.ANSIBLE_ROLES_PATH = (config.values.rolesPath ?? []).join(':');
    await setUpVault(options, config, secrets);
    const passwords = await askPasswords(options, config, secrets);
    const run = runOptionsFrom(options, config, passwords, options.step ? askStep : undefined);
    // Where Ansible's own modules are looked for: -M and ansible.cfg's library, and its collections_path.
    setLibraryPaths(run.modulePaths);
    if (config.origins.collectionsPaths) process.env.ANSIBLE_COLLECTIONS_PATH = run.collectionsPaths.join(':');
    const registry = await moduleIndex();
    const playbooks: Playbook[] = [];
    for (const path of paths) playbooks.push(await loadPlaybook(path, registry, { missingHandlerIsError: run.errorOnMissingHandler, extraVars: run.extraVars }));
    const whole = await loadInventory(inventorySources(options, config), { playbookDir: playbooks[0]?.dir }).catch((error: unknown) => {
      throw error instanceof VaultError ? new VaultError(error.message, EXIT.unreachableOrInvalid) : error;
    });
    const inventory = options.slice ? new SlicedInventory(whole, hostsInSlice(whole.select(options.limit ?? 'all'), options.slice), options.slice) : whole;
    for (const warning of inventory.warnings) process.stderr.write(`[WARNING]: ${warning}\n`);
    checkHostList(whole, options.limit, config.values.localhostWarning !== false);
    if (options.flushCache) run.factCache?.flush(inventory.hostNames());
    if (options.syntaxCheck || options.listHosts || options.listTasks || options.listTags) {
      const context: RunContext = { options: run, inventory, pool: new ConnectionPool(), reporter: await reporterFor(options, config, secrets, paths[0]), hosts: new Map(), playbookDir: playbooks[0]?.dir ?? '.', secrets };
      for (const playbook of playbooks) {
        const listed = options.listHosts || options.listTasks || options.listTags;
        process.stdout.write(listed ? listing(playbook, context, { hosts: options.listHosts, tasks: options.listTasks, tags: options.listTags }) : `\nplaybook: ${playbook.path}\n`);
      }
      return EXIT.ok;
    }
    const pool = new ConnectionPool();
    const interruption = exitOnInterrupt(pool, EXIT.interrupted);
    const reporter = silencedOnInterrupt(await reporterFor(options, config, secrets, paths[0]), interruption);
    const summary = await runPlaybooks(playbooks, inventory, registry, run, reporter, secrets, pool);
    if (interruption.signalled) {
      await interruption.closed;
      return EXIT.interrupted;
    }
    if (config.values.retryFilesEnabled && summary.exitCode !== EXIT.ok) writeRetryFile(paths[0], summary.stats, config.values.retryFilesSavePath);
    return summary.exitCode;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ERROR: ${error.message}\n`);
      return EXIT.badOptions;
    }
    if (error instanceof OptionError) {
      process.stderr.write(`ERROR! ${error.message}\n`);
      return EXIT.badOptions;
    }
    if (error instanceof VaultError || error instanceof PromptError) {
      process.stderr.write(`ERROR! ${error.message}\n`);
      return error instanceof VaultError ? error.exitCode : EXIT.error;
    }
    if (error instanceof RunError) {
      process.stderr.write(secrets.maskText(`ERROR! ${error.message}\n`));
      return EXIT.error;
    }
    if (error instanceof PlaybookError || error instanceof InventoryError || error instanceof TemplateError) {
      // A message may quote a string from a vars file; vault values in it stay masked.
      process.stderr.write(secrets.maskText(`ERROR! ${error.message}\n`));
      if (options.verbose >= 3) process.stderr.write(`${secrets.maskText(error.stack ?? '')}\n`);
      return EXIT.unreachableOrInvalid;
    }
    return reportInternalError(error, options.verbose >= 3, (text) => secrets.maskText(text));
  }
}
