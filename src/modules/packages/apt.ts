import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult } from '../contract.js';
import { foldAliases, withAliases, type Aliases } from '../shared/arg-schema.js';
import { APT_ENV, expandDpkgOptions, simulationDiff, type AptSettings } from './lib/apt-command.js';
import { readApt, type AptQuery, type AptView } from './lib/apt-read.js';
import { expandNameGlobs, isNameGlob, parseAptSpec, type AptSpec } from './lib/apt-spec.js';
import {
  cleanWork,
  cleanupChanged,
  cleanupWork,
  debWork,
  installWork,
  readDebFiles,
  removeWork,
  runWork,
  simulate,
  statusReader,
  upgradeChanged,
  upgradeWork,
  type AptWork,
  type Simulated,
} from './lib/apt-work.js';

type UpgradeMode = 'dist' | 'full' | 'no' | 'safe' | 'yes';

interface AptArgs {
  package?: string | string[];
  state: 'present' | 'latest' | 'absent';
  update_cache?: boolean;
  update_cache_retries: number;
  update_cache_retry_max_delay: number;
  cache_valid_time: number;
  purge: boolean;
  deb?: string;
  default_release?: string;
  install_recommends?: boolean;
  force: boolean;
  upgrade: UpgradeMode | boolean;
  dpkg_options: string;
  autoremove: boolean;
  autoclean: boolean;
  fail_on_autoremove: boolean;
  only_upgrade: boolean;
  force_apt_get: boolean;
  clean: boolean;
  allow_unauthenticated: boolean;
  allow_downgrade: boolean;
  allow_change_held_packages: boolean;
  lock_timeout: number;
}

interface AptState {
  work: AptWork;
  /** The --simulate run, when check or diff mode needs it. */
  simulated?: Simulated;
  /** cache_updated / cache_update_time, for the results that carry them. */
  cacheFields?: ModuleResult;
}

const ALIASES: Aliases = {
  package: ['name', 'pkg'],
  update_cache: ['update-cache'],
  default_release: ['default-release'],
  install_recommends: ['install-recommends'],
  allow_unauthenticated: ['allow-unauthenticated'],
  allow_downgrade: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'],
};

const BOOLEAN_OFF = { type: 'boolean', default: false };
const COUNT = { type: 'integer', minimum: 0 };

/** Ansible's list arguments: a list, or one string of comma-separated items. */
function list(value: string | string[] | undefined): string[] {
  const items = value === undefined ? [] : Array.isArray(value) ? value : value.split(',');
  return items.map((item) => item.trim()).filter(Boolean);
}

function upgradeMode(value: UpgradeMode | boolean): UpgradeMode {
  return value === true ? 'yes' : value === false ? 'no' : value;
}

/**
 * Ansible's mutually_exclusive for apt, and the combinations its code refuses. (Its required_one_of
 * never fires: autoremove always has a value, so a task without any of them installs nothing.)
 */
function checkCombination(args: AptArgs): void {
  const given = { deb: args.deb !== undefined, package: args.package !== undefined, upgrade: upgradeMode(args.upgrade) !== 'no' };
  const exclusive = (['deb', 'package', 'upgrade'] as const).filter((key) => given[key]);
  if (exclusive.length > 1) throw new ModuleFailure(`parameters are mutually exclusive: deb|package|upgrade`);
  if (args.deb !== undefined && args.state !== 'present') throw new ModuleFailure('deb only supports state=present');
  if (args.deb?.includes('://')) throw new ModuleFailure(`deb from a URL is not supported: download it to the host first (get_url), then give its path`);
}

function settingsOf(args: AptArgs): AptSettings {
  return {
    dpkgOptions: expandDpkgOptions(args.dpkg_options),
    lockTimeout: args.lock_timeout,
    force: args.force,
    defaultRelease: args.default_release,
    installRecommends: args.install_recommends,
    allowUnauthenticated: args.allow_unauthenticated,
    allowDowngrade: args.allow_downgrade,
    allowChangeHeldPackages: args.allow_change_held_packages,
    failOnAutoremove: args.fail_on_autoremove,
    autoremove: args.autoremove,
  };
}

/** remove runs without the install-only options, as Ansible's does. */
function removeSettings(settings: AptSettings): AptSettings {
  return { ...settings, defaultRelease: undefined, installRecommends: undefined, allowUnauthenticated: false, allowDowngrade: false, allowChangeHeldPackages: false, failOnAutoremove: false };
}

function cacheQuery(args: AptArgs, ctx: ModuleContext, names: string[], listNames: boolean): AptQuery {
  const update = args.update_cache === true || args.cache_valid_time > 0;
  return {
    check: ctx.check,
    update: update ? { validSeconds: args.cache_valid_time, retries: args.update_cache_retries, maxDelay: args.update_cache_retry_max_delay } : undefined,
    listNames,
    defaultRelease: args.default_release,
    names,
  };
}

function cacheFieldsOf(view: AptView, check: boolean): ModuleResult {
  const updated = view.cache.updateDue && (check || view.cache.timeAfter !== view.cache.timeBefore);
  return { cache_updated: updated, cache_update_time: view.cache.timeAfter };
}

/** Reads the names' state; name globs are expanded against every package apt knows, which a second read then covers. */
async function readPackages(connection: Connection, args: AptArgs, ctx: ModuleContext, specs: AptSpec[]): Promise<{ view: AptView; specs: AptSpec[] }> {
  const globs = specs.some(isNameGlob);
  const view = await readApt(connection, cacheQuery(args, ctx, specs.filter((spec) => !isNameGlob(spec)).map((spec) => spec.name), globs));
  if (!globs) return { view, specs };
  const expanded = expandNameGlobs(specs, view.knownNames);
  const names = expanded.map((spec) => spec.name);
  const second = await readApt(connection, { ...cacheQuery(args, ctx, names, false), update: undefined });
  return { view: { ...second, cache: view.cache }, specs: expanded };
}

/** A work whose change is only known from apt-get's own summary: simulated now, in every mode. */
async function simulatedWork(connection: Connection, work: AptWork, changedFrom: (stdout: string) => boolean): Promise<AptState> {
  const simulated = await simulate(connection, work);
  return { work: { ...work, changed: changedFrom(simulated.stdout) }, simulated };
}

/** Ansible marks named packages that were installed as dependencies as installed by hand, without reporting it. */
async function markManual(connection: Connection, view: AptView, specs: AptSpec[], installing: string[]): Promise<void> {
  const named = specs.map((spec) => spec.name).filter((name) => view.auto.has(name) && !installing.some((arg) => arg === name || arg.startsWith(`${name}=`)));
  if (named.length === 0) return;
  const { rc, stdout, stderr } = await connection.exec(['apt-mark', 'manual', '--', ...named], { env: APT_ENV });
  if (rc !== 0) throw new ModuleFailure(`'apt-mark manual ${named.join(' ')}' failed: ${stderr}`, { rc, stdout, stderr });
}

async function readWork(ctx: ModuleContext, args: AptArgs): Promise<AptState> {
  const { connection } = ctx;
  checkCombination(args);
  const settings = settingsOf(args);
  const requested = list(args.package);
  const everything = requested.includes('*');
  const specs = requested.filter((item) => item !== '*').map(parseAptSpec);
  const upgrade = upgradeMode(args.upgrade);

  if (args.clean && args.package === undefined && upgrade === 'no' && args.deb === undefined) return { work: cleanWork() };
  // With other work, Ansible cleans first and reports only the other work (it cleans even in check mode; this does not).
  if (args.clean && !ctx.check) await runWork(connection, cleanWork());
  if (args.deb !== undefined) {
    const debs = await readDebFiles(connection, list(args.deb));
    const view = await readApt(connection, cacheQuery(args, ctx, debs.map((deb) => deb.name), false));
    return { work: debWork(settings, debs, view) };
  }

  const { view, specs: expanded } = await readPackages(connection, args, ctx, everything || upgrade !== 'no' ? [] : specs);
  const cacheFields = cacheFieldsOf(view, ctx.check);
  // As in Ansible, a cache update without packages, upgrade or deb ends the task (autoremove too is then left out).
  if ((args.update_cache === true || args.cache_valid_time > 0) && requested.length === 0 && upgrade === 'no') {
    return { work: { changed: cacheFields.cache_updated === true, result: cacheFields } };
  }
  if (upgrade !== 'no') return simulatedWork(connection, upgradeWork(settings, upgrade), upgradeChanged);
  if (everything && args.state === 'latest') {
    if (specs.length) throw new ModuleFailure('unable to install additional packages when upgrading all installed packages');
    return simulatedWork(connection, upgradeWork(settings, 'yes'), upgradeChanged);
  }
  if (expanded.length === 0 && (args.autoclean || args.autoremove)) {
    const operation = args.autoclean ? 'autoclean' : 'autoremove';
    return simulatedWork(connection, cleanupWork(settings, operation, args.purge), (stdout) => cleanupChanged(operation, stdout));
  }
  if (args.state === 'absent') return { work: removeWork(removeSettings(settings), expanded, view, args.purge) };

  const statusOf = await statusReader(connection, view, expanded, cacheQuery(args, ctx, [], false));
  const work = installWork(settings, expanded, statusOf, { upgrade: args.state === 'latest', onlyUpgrade: args.only_upgrade });
  if (!ctx.check) await markManual(connection, view, expanded, work.args);
  return { work: { ...work, result: cacheFields }, cacheFields };
}

export default defineModule<AptArgs, AptState>({
  name: 'apt',
  examples: `
- name: Install nginx and git, with fresh package lists
  ansible.builtin.apt:
    name: [nginx, git]
    update_cache: true
    cache_valid_time: 3600

- name: Remove a package and its configuration
  ansible.builtin.apt:
    name: telnetd
    state: absent
    purge: true

- name: Upgrade everything
  ansible.builtin.apt:
    upgrade: dist
`,
  returns: {
    cache_updated: { type: 'bool', returned: 'success', description: 'Whether the package lists were updated.' },
    cache_update_time: { type: 'int', returned: 'success', description: 'When the package lists were last updated (epoch seconds).' },
    stdout: { type: 'str', returned: 'success', description: "apt-get's output." },
    stderr: { type: 'str', returned: 'success', description: "apt-get's error output." },
  },
  schema: {
    description: 'Installs, upgrades and removes Debian packages with apt, and updates the package lists.',
    type: 'object',
    properties: withAliases(
      {
        package: { type: ['string', 'array'], items: { type: 'string' }, description: 'The packages to manage (name, name=version, name>=version, or a list); name and pkg are aliases.' },
        state: { enum: ['present', 'latest', 'absent'], default: 'present', description: 'Whether the packages are installed (present), at the newest version (latest) or removed (absent).' },
        update_cache: { type: 'boolean', description: 'Whether apt-get update runs first.' },
        update_cache_retries: { ...COUNT, default: 5, description: 'How many times apt-get update is tried.' },
        update_cache_retry_max_delay: { ...COUNT, default: 12, description: 'The longest pause in seconds between update tries.' },
        cache_valid_time: { ...COUNT, default: 0, description: 'Package lists younger than this many seconds are not updated again.' },
        purge: { ...BOOLEAN_OFF, description: 'Whether removing a package also removes its configuration files.' },
        deb: { type: 'string', minLength: 1, description: 'A .deb file (on the host, or a URL) to install.' },
        default_release: { type: 'string', minLength: 1, description: 'The release packages are taken from (apt -t), e.g. a backports suite.' },
        install_recommends: { type: 'boolean', description: "Whether recommended packages are installed too (unset follows the system's setting)." },
        force: { ...BOOLEAN_OFF, description: 'Whether apt installs or removes even what needs confirmation (unauthenticated, downgrades, held).' },
        upgrade: { enum: ['dist', 'full', 'no', 'safe', 'yes', true, false], default: 'no', description: 'Whether the whole system is upgraded - no, yes or safe (safe-upgrade), full, or dist (dist-upgrade).' },
        dpkg_options: { type: 'string', default: 'force-confdef,force-confold', description: 'dpkg options passed to apt-get (comma-separated, without --).' },
        autoremove: { ...BOOLEAN_OFF, description: 'Whether packages no longer needed as dependencies are removed.' },
        autoclean: { ...BOOLEAN_OFF, description: 'Whether downloaded packages that can no longer be fetched are removed from the cache.' },
        fail_on_autoremove: { ...BOOLEAN_OFF, description: 'Whether apt must fail rather than remove packages on its own accord.' },
        only_upgrade: { ...BOOLEAN_OFF, description: 'Whether only packages already installed are upgraded, nothing new installed.' },
        // Accepted as in Ansible; apt-get is what runs either way (aptitude is never used).
        force_apt_get: { ...BOOLEAN_OFF, description: 'Whether apt-get is used instead of aptitude (betif-play always uses apt-get).' },
        clean: { ...BOOLEAN_OFF, description: 'Whether the local package cache is emptied (apt-get clean).' },
        allow_unauthenticated: { ...BOOLEAN_OFF, description: 'Whether packages that cannot be authenticated may be installed.' },
        allow_downgrade: { ...BOOLEAN_OFF, description: 'Whether a package may be downgraded to the requested version.' },
        allow_change_held_packages: { ...BOOLEAN_OFF, description: 'Whether held packages may be installed or upgraded.' },
        lock_timeout: { ...COUNT, default: 60, description: 'How many seconds to wait for the dpkg lock held by another process.' },
      },
      ALIASES,
    ),
    additionalProperties: false,
  },

  async read(ctx, args) {
    const state = await readWork(ctx, foldAliases<AptArgs>(args as unknown as Record<string, unknown>, ALIASES));
    if (state.simulated || !state.work.changed || !state.work.command || !(ctx.check || ctx.diff)) return state;
    return { ...state, simulated: await simulate(ctx.connection, state.work) };
  },

  plan(_args, { work, simulated, cacheFields }, ctx) {
    if (!work.changed) return { changed: false, result: work.result };
    const seen: ModuleResult = simulated ? { stdout: simulated.stdout, stderr: simulated.stderr, ...(work.stdoutAsMsg ? { msg: simulated.stdout } : {}) } : {};
    return {
      changed: true,
      diff: simulated?.steps.length ? [simulationDiff(simulated.steps)] : [],
      result: { ...work.result, ...seen, ...cacheFields },
      apply: work.command ? () => runWork(ctx.connection, work) : undefined,
    };
  },
});
