import { posix } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult, type Plan } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { FILE_ATTRIBUTE_PROPERTIES, foldAliases, withAliases } from '../shared/arg-schema.js';
import { attributesDiff, planAttributes, type AttributeArgs } from '../shared/file-attributes.js';
import { runFileOperation } from '../shared/file-ops.js';
import { pathInfo } from '../shared/file-stat.js';
import { probePaths, type ChecksumAlgorithm, type HostProbe, type PathProbe } from '../shared/probe.js';
import { urllibError } from './lib/curl.js';
import { checkAlgorithm, download, removeTemp, type Download } from './lib/download.js';

interface GetUrlArgs extends AttributeArgs {
  url: string;
  dest: string;
  force: boolean;
  backup: boolean;
  checksum: string;
  headers?: Record<string, unknown>;
  timeout: number;
  url_username?: string;
  url_password?: string;
  force_basic_auth: boolean;
  validate_certs: boolean;
}

interface Expected {
  algorithm: ChecksumAlgorithm;
  value: string;
}

type GetUrlState =
  | { kind: 'present'; probe: HostProbe; dest: PathProbe }
  | { kind: 'downloaded'; probe: HostProbe; dest: PathProbe; download: Download; expected?: Expected; elapsed: number };

const ALIASES = { url_username: ['username'], url_password: ['password'] };

const isUrl = (text: string): boolean => /^(https?|ftp|file):/.test(text);

/** The file name part of a URL's path, or index.html. */
const urlFilename = (url: string): string => posix.basename(new URL(url).pathname) || 'index.html';

/** "sha256:HEX" or "sha256:URL of a checksum list" (the line naming the URL's file, or a single hash). */
async function expectedChecksum(ctx: ModuleContext, args: GetUrlArgs): Promise<Expected | undefined> {
  if (args.checksum === '') return undefined;
  const at = args.checksum.indexOf(':');
  if (at < 0) throw new ModuleFailure('The checksum parameter has to be in format <algorithm>:<checksum>', { dest: args.dest, url: args.url });
  const algorithm = checkAlgorithm(args.checksum.slice(0, at)) as ChecksumAlgorithm;
  let value = args.checksum.slice(at + 1);
  if (isUrl(value)) {
    const list = await download(ctx.connection, { ...request(args), url: value, head: false, returnBody: true });
    if (list.status !== 200 && !value.startsWith('file:')) throw new ModuleFailure('Request failed', { status_code: list.status, response: `HTTP Error ${list.status}: ${list.reason}`, url: value });
    const lines = (list.body ?? Buffer.alloc(0)).toString('utf8').split('\n').filter((line, index, all) => index < all.length - 1 || line !== '');
    const filename = urlFilename(args.url);
    const pairs = lines.length === 1 && lines[0].trim().split(/\s+/).length === 1
      ? [[lines[0], filename]]
      : lines.flatMap((line) => {
          const cut = line.indexOf(' ');
          if (cut < 0) return [];
          const name = line.slice(cut + 1).replace(/^[ *]/, '').replace(/^[./]+/, '');
          return [[line.slice(0, cut), name]];
        });
    const found = pairs.find(([, name]) => name === filename);
    if (!found) throw new ModuleFailure(`Unable to find a checksum for file '${filename}' in '${value}'`);
    value = found[0];
  }
  value = value.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(value)) throw new ModuleFailure('The checksum format is invalid', { dest: args.dest, url: args.url });
  return { algorithm, value };
}

function request(args: GetUrlArgs) {
  return {
    timeout: args.timeout,
    validateCerts: args.validate_certs,
    headers: args.headers,
    username: args.url_username,
    password: args.url_password,
    forceBasicAuth: args.force_basic_auth,
  };
}

/** Ansible's checks before it writes: a folder to put the file in, and a writable destination. */
function destinationProblem(dest: PathProbe): string | undefined {
  if (dest.exists) return dest.writeable ? undefined : `Destination ${dest.path} is not writable`;
  return dest.parentIsDirectory ? undefined : `Destination ${posix.dirname(dest.path)} does not exist`;
}

export default defineModule<Record<string, unknown>, GetUrlState>({
  name: 'get_url',
  examples: `
- name: Download a release, checked
  ansible.builtin.get_url:
    url: https://example.com/tool-1.2.tar.gz
    dest: /opt/tool-1.2.tar.gz
    checksum: sha256:4a5f1c0e2c7e0a8e9b8a1d1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f
    mode: '0644'
`,
  returns: {
    dest: { type: 'str', returned: 'success', description: 'The file that was written.' },
    checksum_src: { type: 'str', returned: 'success', description: 'SHA1 checksum of the downloaded data.' },
    checksum_dest: { type: 'str', returned: 'success', description: 'SHA1 checksum of the file after the task.' },
    status_code: { type: 'int', returned: 'success', description: 'The HTTP status of the request.' },
    url: { type: 'str', returned: 'always', description: 'The URL that was downloaded.' },
    msg: { type: 'str', returned: 'always', description: 'The HTTP status message.' },
    size: { type: 'int', returned: 'success', description: 'The size of the file in bytes.' },
  },
  secretArgs: ['url_password', 'password'],
  schema: {
    description: 'Downloads a file from HTTP, HTTPS or FTP to the host.',
    type: 'object',
    additionalProperties: false,
    required: ['url', 'dest'],
    properties: withAliases(
      {
        url: { type: 'string', minLength: 1, description: 'The URL to download.' },
        dest: { type: 'string', minLength: 1, description: "The file (or directory, for the server's file name) the download is saved to." },
        force: { type: 'boolean', default: false, description: 'Whether the file is downloaded again when dest exists (without a checksum, only then).' },
        backup: { type: 'boolean', default: false, description: 'Whether a timestamped copy of the old file is kept when it is replaced.' },
        checksum: { type: 'string', default: '', description: 'The expected checksum as ALGORITHM:HEX (or ALGORITHM:URL of a checksum file); a mismatch fails and an existing match is not downloaded again.' },
        headers: { type: 'object', description: 'HTTP headers to send, as a mapping.' },
        timeout: { type: 'integer', default: 10, description: 'Seconds before the request times out.' },
        url_username: { type: 'string', description: 'The user for HTTP basic authentication.' },
        url_password: { type: 'string', description: 'The password for HTTP basic authentication.' },
        force_basic_auth: { type: 'boolean', default: false, description: 'Whether the basic authentication header is sent without waiting for a 401.' },
        validate_certs: { type: 'boolean', default: true, description: "Whether the server's HTTPS certificate is checked." },
        ...FILE_ATTRIBUTE_PROPERTIES,
      },
      ALIASES,
    ),
  },

  async read(ctx, raw) {
    const args = foldAliases<GetUrlArgs>(raw, ALIASES);
    const expected = await expectedChecksum(ctx, args);
    const owner = { owner: args.owner, group: args.group };
    let probe = await probePaths(ctx.connection, [args.dest], { checksum: expected?.algorithm ?? 'sha1', ...owner });
    let dest = probe.paths[0];
    const destIsDir = dest.stat?.kind === 'directory';
    const isFile = dest.exists && !destIsDir;
    const mismatch = isFile && !args.force && expected !== undefined && dest.checksum !== expected.value;
    if (isFile && !args.force && expected && !mismatch) return { kind: 'present', probe, dest };
    const started = Date.now();
    const fetched = await download(ctx.connection, {
      ...request(args),
      url: args.url,
      // A check run asks with HEAD; Python's urllib reads a file:// URL whatever the method.
      head: ctx.check && !args.url.startsWith('file:'),
      // curl skips a file:// download on the time condition; Python's urllib always reads the file.
      ifModifiedSince: isFile && !args.force && !mismatch && !args.url.startsWith('file:') ? args.dest : undefined,
      algorithm: expected?.algorithm,
    });
    const elapsed = Math.floor((Date.now() - started) / 1000);
    const fields = { url: args.url, dest: args.dest, elapsed };
    const failed = (message: string, extra: ModuleResult = {}) => removeTemp(ctx.connection, fetched.tmp).then(() => new ModuleFailure(message, { ...fields, ...extra }));
    if (!fetched.ok) throw await failed(`Request failed: ${urllibError(fetched.error, args.url)}`);
    if (fetched.status !== 200 && fetched.status !== 304 && !args.url.startsWith('file:')) {
      throw await failed('Request failed', { status_code: fetched.status, response: `HTTP Error ${fetched.status}: ${fetched.reason}` });
    }
    if (destIsDir || (expected !== undefined && expected.algorithm !== 'sha1')) {
      const filename = destIsDir ? (/^attachment; ?filename="?([^"]+)/.exec(fetched.contentDisposition ?? '')?.[1] ?? urlFilename(fetched.effectiveUrl)) : '';
      probe = await probePaths(ctx.connection, [destIsDir ? posix.join(args.dest, posix.basename(filename)) : args.dest], { checksum: 'sha1', ...owner });
      dest = probe.paths[0];
    }
    const problem = destinationProblem(dest);
    if (problem) throw await failed(problem, { dest: dest.path, src: fetched.tmp, checksum_src: fetched.sha1, checksum_dest: dest.checksum ?? null });
    // The temp file stays on the target only when it is going to replace dest.
    if (fetched.status === 304 || ctx.check || (dest.exists && dest.checksum === fetched.sha1)) await removeTemp(ctx.connection, fetched.tmp);
    return { kind: 'downloaded', probe, dest, download: fetched, expected, elapsed };
  },

  plan(raw, state, ctx): Plan {
    const args = foldAliases<GetUrlArgs>(raw, ALIASES);
    const base: ModuleResult = { checksum_dest: null, checksum_src: null, dest: state.dest.path, elapsed: 0, url: args.url };
    if (state.kind === 'present') {
      const attributes = planAttributes(args, state.dest.stat, state.probe, ctx.check);
      return {
        changed: attributes.changed,
        diff: attributesDiff(state.dest.path, attributes, true),
        result: { ...base, msg: attributes.changed ? 'file already exists but file attributes changed' : 'file already exists', ...(state.dest.stat ? pathInfo(state.dest.stat) : {}) },
        apply: async () => pathInfo(await runFileOperation(ctx.connection, state.dest.path, { kind: 'attributes', recurse: false }, attributes)),
      };
    }
    const { download: fetched, dest, expected } = state;
    const cleanup = () => removeTemp(ctx.connection, fetched.tmp);
    if (fetched.status === 304) {
      return { changed: false, result: { url: args.url, dest: args.dest, msg: 'HTTP Error 304: Not Modified', status_code: 304, elapsed: state.elapsed, ...(dest.stat ? pathInfo(dest.stat) : {}) } };
    }
    const result: ModuleResult = { ...base, elapsed: state.elapsed, src: fetched.tmp, checksum_src: fetched.sha1, ...(dest.exists ? { checksum_dest: dest.checksum } : {}) };
    const msg = `OK (${fetched.contentLength ?? 'unknown'} bytes)`;
    const contentChanged = !dest.exists || fetched.sha1 !== dest.checksum;
    if (ctx.check) return { changed: contentChanged, result: { ...result, msg } };
    if (expected && fetched.digest !== expected.value) {
      return {
        changed: true,
        apply: async () => {
          await ctx.connection.exec(['rm', '-f', '--', fetched.tmp, dest.path]);
          throw new ModuleFailure(`The checksum for ${dest.path} did not match ${expected.value}; it was ${fetched.digest}.`, { ...result, changed: true });
        },
      };
    }
    const attributes = planAttributes(args, dest.stat, state.probe, false);
    const finished = { ...result, msg, status_code: args.url.startsWith('file:') ? null : fetched.status, md5sum: fetched.md5, ...(dest.stat ? pathInfo(dest.stat) : {}) };
    return {
      changed: contentChanged || attributes.changed,
      diff: attributesDiff(dest.path, attributes, false),
      result: finished,
      apply: async () => {
        if (!contentChanged) {
          return { ...finished, ...pathInfo(await runFileOperation(ctx.connection, dest.path, { kind: 'attributes', recurse: false }, attributes)) };
        }
        const written = await writeFileAtomically(ctx.connection, { path: dest.path, remoteSource: fetched.tmp, replacing: dest.stat, attributes, backup: args.backup && dest.exists }).finally(cleanup);
        return { ...finished, ...pathInfo(written.stat), ...(written.backupFile ? { backup_file: written.backupFile } : {}) };
      },
    };
  },
});
