import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { foldAliases, withAliases, type Aliases } from '../shared/arg-schema.js';
import { NO_ATTRIBUTE_CHANGE } from '../shared/file-attributes.js';
import { removePath } from '../shared/file-ops.js';
import { probePaths, type PathProbe } from '../shared/probe.js';
import { dumpRepoIni, parseRepoIni, writeRepoIni, type RepoIni } from './lib/repo-ini.js';

type Value = string | number | boolean | string[];

interface YumRepositoryArgs {
  name: string;
  description?: string;
  state: 'present' | 'absent';
  file?: string;
  reposdir: string;
  [option: string]: Value | undefined;
}

interface YumRepositoryState {
  dest: PathProbe;
  before: RepoIni;
  after: RepoIni;
}

/** One line of INI text: a newline would smuggle in other keys. */
const LINE = { type: ['string', 'number'], pattern: '^[^\\r\\n]*$' };
const LINES = { type: ['string', 'array'], pattern: '^[^\\r\\n]*$', items: { type: 'string', pattern: '^[^\\r\\n]*$' } };
const BOOLEAN = { type: 'boolean' };

const BOOLEAN_OPTIONS = ['async', 'enabled', 'enablegroups', 'gpgcheck', 'keepalive', 'module_hotfixes', 'protect', 'repo_gpgcheck', 's3_enabled', 'skip_if_unavailable', 'ssl_check_cert_permissions', 'sslverify'];
const TEXT_OPTIONS = ['bandwidth', 'cost', 'deltarpm_metadata_percentage', 'deltarpm_percentage', 'gpgcakey', 'include', 'metadata_expire', 'metalink', 'mirrorlist', 'mirrorlist_expire', 'password', 'priority', 'proxy', 'proxy_password', 'proxy_username', 'retries', 'sslcacert', 'sslclientcert', 'sslclientkey', 'throttle', 'timeout', 'ui_repoid_vars', 'username'];
const CHOICE_OPTIONS: Record<string, string[]> = {
  failovermethod: ['roundrobin', 'priority'],
  http_caching: ['all', 'packages', 'none'],
  ip_resolve: ['4', '6', 'IPv4', 'IPv6', 'whatever'],
  keepcache: ['0', '1'],
  metadata_expire_filter: ['never', 'read-only:past', 'read-only:present', 'read-only:future'],
};
/** Lists written one item a line (baseurl, gpgkey) or space-separated (exclude, includepkgs). */
const LINE_LISTS = ['baseurl', 'gpgkey'];
const WORD_LISTS = ['exclude', 'includepkgs'];
const ALIASES: Aliases = { sslcacert: ['ca_cert'], sslclientcert: ['client_cert'], sslclientkey: ['client_key'], sslverify: ['validate_certs'] };

function listOf(value: Value): string[] {
  return Array.isArray(value) ? value : String(value).split(',').map((item) => item.trim()).filter(Boolean);
}

/** The section the task asks for, keys sorted as Ansible adds them (description becomes `name`). */
function wantedSection(args: YumRepositoryArgs): Map<string, string> {
  const values: [string, string][] = [];
  const options = { ...args, name: args.description } as Record<string, Value | undefined>;
  for (const key of [...BOOLEAN_OPTIONS, ...TEXT_OPTIONS, ...Object.keys(CHOICE_OPTIONS), ...LINE_LISTS, ...WORD_LISTS, 'name']) {
    const value = options[key];
    if (value === undefined) continue;
    if (LINE_LISTS.includes(key)) values.push([key, listOf(value).join('\n')]);
    else if (WORD_LISTS.includes(key)) values.push([key, listOf(value).join(' ')]);
    else if (typeof value === 'boolean') values.push([key, value ? '1' : '0']);
    else values.push([key, String(value)]);
  }
  return new Map(values.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function destination(args: YumRepositoryArgs): string {
  return posix.join(args.reposdir, `${args.file ?? args.name}.repo`);
}

function checkRequest(args: YumRepositoryArgs): void {
  if (args.state !== 'present') return;
  if (args.baseurl === undefined && args.metalink === undefined && args.mirrorlist === undefined) {
    throw new ModuleFailure("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
  }
  if (args.description === undefined) throw new ModuleFailure("Parameter 'description' is required.");
}

/** ansible.builtin.yum_repository: one [repository] section of a .repo file, other sections kept. */
export default defineModule<YumRepositoryArgs, YumRepositoryState>({
  name: 'yum_repository',
  secretArgs: ['password', 'proxy_password'],
  schema: {
    type: 'object',
    properties: withAliases(
      {
        name: { type: 'string', minLength: 1, pattern: '^[^\\]\\r\\n]+$' },
        description: LINE,
        state: { enum: ['present', 'absent'], default: 'present' },
        file: { type: 'string', minLength: 1, pattern: '^[^/\\r\\n]+$' },
        reposdir: { type: 'string', minLength: 1, default: '/etc/yum.repos.d' },
        ...Object.fromEntries(BOOLEAN_OPTIONS.map((key) => [key, BOOLEAN])),
        ...Object.fromEntries(TEXT_OPTIONS.map((key) => [key, LINE])),
        ...Object.fromEntries(Object.entries(CHOICE_OPTIONS).map(([key, choices]) => [key, { enum: choices }])),
        ...Object.fromEntries([...LINE_LISTS, ...WORD_LISTS].map((key) => [key, LINES])),
      },
      ALIASES,
    ),
    required: ['name'],
    additionalProperties: false,
  },

  async read(ctx, rawArgs) {
    const args = foldAliases<YumRepositoryArgs>(rawArgs as unknown as Record<string, unknown>, ALIASES);
    checkRequest(args);
    const { paths } = await probePaths(ctx.connection, [destination(args)], { content: true });
    const [dest] = paths;
    if (!dest.exists && !dest.parentIsDirectory) throw new ModuleFailure(`Repo directory '${args.reposdir}' does not exist.`);
    if (dest.exists && dest.stat?.kind !== 'file') throw new ModuleFailure(`${dest.path} exists and is not a regular file`);
    const before = parseRepoIni(dest.content?.toString('utf8') ?? '');
    const after: RepoIni = new Map([...before].map(([name, options]) => [name, new Map(options)]));
    after.delete(args.name);
    if (args.state === 'present') after.set(args.name, wantedSection(args));
    return { dest, before, after };
  },

  plan(rawArgs, { dest, before, after }, ctx) {
    const args = foldAliases<YumRepositoryArgs>(rawArgs as unknown as Record<string, unknown>, ALIASES);
    const path = dest.path;
    const result: ModuleResult = { repo: args.name, state: args.state };
    const beforeText = dumpRepoIni(before);
    const afterText = dumpRepoIni(after);
    if (beforeText === afterText) return { changed: false, result };
    return {
      changed: true,
      result,
      diff: [{ before: beforeText, after: afterText, beforeHeader: path, afterHeader: path }],
      apply: async () => {
        if (after.size === 0) {
          await removePath(ctx.connection, path);
          return {};
        }
        const attributes = dest.exists ? NO_ATTRIBUTE_CHANGE : { ...NO_ATTRIBUTE_CHANGE, changed: true, mode: '0644' };
        await writeFileAtomically(ctx.connection, { path, content: Buffer.from(writeRepoIni(after)), replacing: dest.stat, attributes, backup: false });
        return {};
      },
    };
  },
});
