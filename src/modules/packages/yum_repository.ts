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

/** What each option means, as yum.conf(5) and dnf.conf(5) describe it. */
const OPTION_DESCRIPTIONS: Record<string, string> = {
  async: 'Whether yum downloads packages and metadata from this repository in parallel.',
  enabled: 'Whether the package manager uses the repository.',
  enablegroups: 'Whether package groups of this repository can be used.',
  gpgcheck: "Whether the signatures of the repository's packages are checked.",
  keepalive: 'Whether HTTP/1.1 keepalive is used with this repository.',
  module_hotfixes: 'Whether packages of this repository bypass module filtering.',
  protect: 'Whether packages of this repository are protected from updates by other repositories.',
  repo_gpgcheck: "Whether the signature of the repository's metadata is checked.",
  s3_enabled: 'Whether the repository is an Amazon S3 bucket (yum-plugin-s3).',
  skip_if_unavailable: 'Whether the repository is skipped, rather than an error, when it cannot be reached.',
  ssl_check_cert_permissions: 'Whether the permissions of the client certificate files are checked.',
  sslverify: "Whether the repository server's TLS certificate is checked.",
  bandwidth: 'The most bandwidth downloads may use (bytes per second, with k/M/G suffixes); 0 for no limit.',
  cost: 'The relative cost of the repository; cheaper repositories are preferred.',
  deltarpm_metadata_percentage: 'When deltarpm metadata is downloaded instead of the full metadata, in percent of its size.',
  deltarpm_percentage: 'When a delta RPM is used instead of the full package, in percent of its size.',
  gpgcakey: 'The URL of the GPG key that signs the repository GPG keys.',
  include: 'A URL or file whose content is included in the repository section.',
  metadata_expire: 'How long the metadata is kept before it is refreshed (seconds, or with m/h/d, or never).',
  metalink: 'The URL of a metalink file listing mirrors of baseurl.',
  mirrorlist: 'The URL of a file listing mirrors of baseurl.',
  mirrorlist_expire: 'How long the mirror list is kept before it is refreshed.',
  password: 'The password for HTTP basic authentication of the repository.',
  priority: 'The priority of the repository (1 highest, 99 lowest); needs the priorities plugin with yum.',
  proxy: 'The proxy URL for this repository (_none_ for no proxy).',
  proxy_password: 'The password for the proxy.',
  proxy_username: 'The user for the proxy.',
  retries: 'How many times a download is tried (0 for ever).',
  sslcacert: 'The CA certificate file that checks the server certificate.',
  sslclientcert: 'The client certificate file presented to the server.',
  sslclientkey: "The client certificate's private key file.",
  throttle: 'The most bandwidth downloads may use, as a rate or a percentage of bandwidth.',
  timeout: 'Seconds before a connection to the repository times out.',
  ui_repoid_vars: 'The variables appended to the repository id in yum output.',
  username: 'The user for HTTP basic authentication of the repository.',
  failovermethod: 'How mirrors are tried - in random order (roundrobin) or in listed order (priority).',
  http_caching: 'What downloads proxy caches may serve (all, packages, none).',
  ip_resolve: 'Which IP version names are resolved to (4, 6, IPv4, IPv6, whatever).',
  keepcache: 'Whether downloaded packages are kept in the cache (1) or not (0).',
  metadata_expire_filter: 'Which commands use expired metadata without refreshing it.',
  baseurl: 'The URL(s) of the repository (the folder holding repodata).',
  gpgkey: 'The URL(s) of the GPG keys packages are signed with.',
  exclude: 'Packages (globs) never taken from this repository.',
  includepkgs: 'The only packages (globs) taken from this repository.',
};

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
  examples: `
- name: Add EPEL
  ansible.builtin.yum_repository:
    name: epel
    description: EPEL YUM repo
    baseurl: https://download.fedoraproject.org/pub/epel/$releasever/$basearch/
    gpgcheck: true
    gpgkey: https://dl.fedoraproject.org/pub/epel/RPM-GPG-KEY-EPEL-9

- name: Remove it again
  ansible.builtin.yum_repository:
    name: epel
    state: absent
`,
  returns: {
    repo: { type: 'str', returned: 'always', description: 'The repository id.' },
    state: { type: 'str', returned: 'always', description: 'present or absent.' },
  },
  secretArgs: ['password', 'proxy_password'],
  schema: {
    description: 'Adds or removes a repository section in a .repo file for yum and dnf.',
    type: 'object',
    properties: withAliases(
      {
        name: { type: 'string', minLength: 1, pattern: '^[^\\]\\r\\n]+$', description: 'The repository id (the section name in the file).' },
        description: { ...LINE, description: "The repository's human-readable name (required with state=present)." },
        state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the repository is present or absent.' },
        file: { type: 'string', minLength: 1, pattern: '^[^/\\r\\n]+$', description: 'The .repo file name without .repo (default the repository id).' },
        reposdir: { type: 'string', minLength: 1, default: '/etc/yum.repos.d', description: 'The directory of .repo files.' },
        ...Object.fromEntries(BOOLEAN_OPTIONS.map((key) => [key, { ...BOOLEAN, description: OPTION_DESCRIPTIONS[key] }])),
        ...Object.fromEntries(TEXT_OPTIONS.map((key) => [key, { ...LINE, description: OPTION_DESCRIPTIONS[key] }])),
        ...Object.fromEntries(Object.entries(CHOICE_OPTIONS).map(([key, choices]) => [key, { enum: choices, description: OPTION_DESCRIPTIONS[key] }])),
        ...Object.fromEntries([...LINE_LISTS, ...WORD_LISTS].map((key) => [key, { ...LINES, description: OPTION_DESCRIPTIONS[key] }])),
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
