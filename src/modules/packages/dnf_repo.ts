import { posix } from 'node:path';
import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type Plan } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { NO_ATTRIBUTE_CHANGE } from '../shared/file-attributes.js';
import { removePath } from '../shared/file-ops.js';
import { checkRepoText, downloadOnTarget, renderRepoFile, repoSource } from './lib/dnf-repo-file.js';
import { probePaths, type PathProbe } from '../shared/probe.js';

interface DnfRepoArgs {
  name: string;
  state: 'present' | 'absent';
  url?: string;
  baseurl?: string;
  description?: string;
  enabled?: boolean;
  gpgcheck?: boolean;
  gpgkey?: string | string[];
  reposdir: string;
}

interface DnfRepoState {
  dest: PathProbe;
  /** The file content the task asks for (undefined for state=absent). */
  wanted?: string;
}

/** One line of INI text: a newline would smuggle in other keys. */
const LINE = { type: 'string', minLength: 1, pattern: '^[^\\r\\n]*$' };
const FILE_FIELDS = ['baseurl', 'description', 'enabled', 'gpgcheck', 'gpgkey'] as const;

function destination(args: DnfRepoArgs): string {
  return posix.join(args.reposdir, `${args.name}.repo`);
}

function checkRequest(args: DnfRepoArgs): void {
  if (args.state === 'absent') return;
  if (args.url !== undefined) {
    const mixed = FILE_FIELDS.filter((field) => args[field] !== undefined);
    if (mixed.length) throw new ModuleFailure(`parameters are mutually exclusive: url|${mixed.join('|')}`);
  } else if (args.baseurl === undefined) {
    throw new ModuleFailure('state is present but any of the following are missing: url, baseurl');
  }
}

async function readFile(connection: Connection, path: string): Promise<PathProbe> {
  return (await probePaths(connection, [path], { content: true })).paths[0];
}

/** The .repo file `url:` names: downloaded on the host, or a file already there. */
async function fetchRepoFile(connection: Connection, url: string): Promise<string> {
  const source = repoSource(url);
  let text: string;
  if (source.kind === 'download') {
    text = await downloadOnTarget(connection, source.url);
  } else {
    const file = await readFile(connection, source.path);
    if (!file.exists || file.stat?.kind !== 'file') throw new ModuleFailure(`Source ${url} not found on the host`);
    if (!file.readable || file.content === undefined) throw new ModuleFailure(`Source ${url} is not readable`);
    text = file.content.toString('utf8');
  }
  checkRepoText(text, url);
  return text;
}

export default defineModule<DnfRepoArgs, DnfRepoState>({
  name: 'dnf_repo',
  examples: `
- name: Add the NVIDIA CUDA repository
  betif.platform.dnf_repo:
    name: cuda
    description: NVIDIA CUDA
    baseurl: https://developer.download.nvidia.com/compute/cuda/repos/rhel9/x86_64
    gpgcheck: true
    gpgkey: https://developer.download.nvidia.com/compute/cuda/repos/rhel9/x86_64/D42D0685.pub
`,
  returns: {
    dest: { type: 'str', returned: 'always', description: 'The .repo file.' },
    repo: { type: 'str', returned: 'always', description: 'The repository id.' },
    state: { type: 'str', returned: 'always', description: 'present or absent.' },
  },
  namespace: 'betif.platform',
  schema: {
    description: "Writes or removes a .repo file for dnf, one repository per file (betif-play's own module).",
    type: 'object',
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_.:-]+$', description: 'The repository id (the section name and the file name).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the repository file is present or absent.' },
      url: { ...LINE, description: "The repository's base URL (another name for baseurl)." },
      baseurl: { ...LINE, description: "The repository's base URL." },
      description: { ...LINE, description: "The repository's human-readable name." },
      enabled: { type: 'boolean', description: 'Whether dnf uses the repository.' },
      gpgcheck: { type: 'boolean', description: 'Whether package signatures are checked.' },
      gpgkey: { type: ['string', 'array'], pattern: '^[^\\r\\n]*$', items: LINE, description: 'The URL(s) of the GPG keys packages are signed with.' },
      reposdir: { type: 'string', minLength: 1, default: '/etc/yum.repos.d', description: 'The directory the .repo file is written to.' },
    },
    required: ['name'],
    additionalProperties: false,
  },

  async read(ctx, args) {
    checkRequest(args);
    let wanted: string | undefined;
    if (args.state === 'present') wanted = args.url === undefined ? renderRepoFile({ ...args, baseurl: args.baseurl ?? '' }) : await fetchRepoFile(ctx.connection, args.url);
    return { dest: await readFile(ctx.connection, destination(args)), wanted };
  },

  plan(args, { dest, wanted }, ctx): Plan {
    const path = destination(args);
    const result = { repo: args.name, state: args.state, dest: path };
    const current = dest.exists ? (dest.content?.toString('utf8') ?? '') : undefined;
    if (wanted === undefined) {
      if (current === undefined) return { changed: false, result };
      return {
        changed: true,
        result,
        diff: [{ before: current, after: '', beforeHeader: path, afterHeader: path }],
        apply: async () => {
          await removePath(ctx.connection, path);
          return {};
        },
      };
    }
    if (current === wanted) return { changed: false, result };
    if (!dest.exists && !dest.parentIsDirectory) throw new ModuleFailure(`Repo directory '${args.reposdir}' does not exist.`);
    if (dest.exists && dest.stat?.kind !== 'file') throw new ModuleFailure(`${path} exists and is not a regular file`);
    return {
      changed: true,
      result,
      diff: [{ before: current ?? '', after: wanted, beforeHeader: path, afterHeader: path }],
      apply: async () => {
        const attributes = dest.exists ? NO_ATTRIBUTE_CHANGE : { ...NO_ATTRIBUTE_CHANGE, changed: true, mode: '0644' };
        await writeFileAtomically(ctx.connection, { path, content: Buffer.from(wanted), replacing: dest.stat, attributes, backup: false });
        return {};
      },
    };
  },
});
