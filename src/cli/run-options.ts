import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AnsibleConfig } from '../config/load.js';
import { JsonFileFactCache } from '../runner/fact-cache.js';
import type { RunOptions } from '../runner/state.js';
import type { StepAnswer } from '../runner/task-gate.js';
import { parseExtraVars } from './extra-vars.js';
import type { CliOptions } from './program.js';
import { OptionError } from './extra-vars.js';

/** betif-play's own default (Ansible's is 5): a run over a handful of lab hosts should not queue. */
const DEFAULT_FORKS = 500;

export interface Passwords {
  connection?: string;
  become?: string;
}

function knownHostsFiles(options: CliOptions): string[] {
  const fromEnvironment = (process.env.BETIF_KNOWN_HOSTS ?? '').split(':').filter(Boolean);
  return [join(homedir(), '.ssh', 'known_hosts'), ...fromEnvironment, ...options.knownHosts];
}

function factCache(config: AnsibleConfig): RunOptions['factCache'] {
  const { factCaching, factCachingConnection, factCachingTimeout, factCachingPrefix } = config.values;
  if (!factCaching.endsWith('jsonfile')) return undefined;
  if (!factCachingConnection) throw new OptionError('fact_caching = jsonfile needs fact_caching_connection (the folder of the cache files)');
  return new JsonFileFactCache(resolve(factCachingConnection), factCachingTimeout, factCachingPrefix ?? '');
}

/** The run's options: command-line flags over ANSIBLE_* variables over ansible.cfg over the defaults. */
export function runOptionsFrom(options: CliOptions, config: AnsibleConfig, passwords: Passwords, step?: (title: string) => Promise<StepAnswer>): RunOptions {
  const values = config.values;
  // --forks is checked when parsed; the same rule holds for ansible.cfg's and ANSIBLE_FORKS (Ansible's words).
  if (options.forks === undefined && values.forks !== undefined && values.forks < 1) throw new OptionError(`The number of processes (--forks) must be >= 1, not ${values.forks} (from ansible.cfg or ANSIBLE_FORKS)`);
  const timeoutSeconds = options.timeout ?? values.timeout;
  return {
    check: options.check,
    diff: options.diff,
    forks: options.forks ?? values.forks ?? DEFAULT_FORKS,
    tags: options.tags,
    skipTags: options.skipTags,
    extraVars: parseExtraVars(options.extraVars),
    limit: options.limit,
    user: options.user ?? values.remoteUser,
    become: options.become ?? values.become,
    becomeUser: options.becomeUser ?? (config.origins.becomeUser ? values.becomeUser : undefined),
    forceHandlers: options.forceHandlers || values.forceHandlers,
    errorOnMissingHandler: values.errorOnMissingHandler,
    hostKeyChecking: options.hostKeyChecking ?? (values.hostKeyChecking ? 'strict' : 'off'),
    knownHostsFiles: knownHostsFiles(options),
    verbosity: options.verbose,
    connectionDefaults: {
      connectTimeoutMs: timeoutSeconds * 1000,
      ...definedOnly({
        connection: options.connection ?? (values.transport === 'smart' ? undefined : values.transport),
        privateKeyFile: options.privateKey ?? values.privateKeyFile,
        port: values.remotePort,
        password: passwords.connection,
        becomeMethod: options.becomeMethod ?? values.becomeMethod,
        becomePassword: passwords.become,
        sshArgs: values.sshArgs,
        sshCommonArgs: options.sshCommonArgs ?? values.sshCommonArgs,
        sshExtraArgs: options.sshExtraArgs ?? values.sshExtraArgs,
      }),
    },
    pipelining: values.pipelining as boolean,
    gathering: values.gathering as RunOptions['gathering'],
    gatherDefaults: definedOnly({ gather_subset: values.gatherSubset, gather_timeout: values.gatherTimeout, fact_path: values.factPath }),
    strategy: values.strategy,
    anyErrorsFatal: values.anyErrorsFatal,
    taskTimeout: values.taskTimeout,
    pollInterval: values.pollInterval,
    ...definedOnly({ startAtTask: options.startAtTask, step, factCache: factCache(config) }),
    modulePaths: [...options.modulePath.map((path) => resolve(path)), ...values.library],
    collectionsPaths: values.collectionsPaths,
  };
}

function definedOnly<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
