import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'shell-quote';
import { quoteArgv } from '../../../connection/quote.js';

/** What synchronize passes to rsync besides the two paths (Ansible's argument names). */
export interface RsyncFlags {
  archive: boolean;
  checksum: boolean;
  compress: boolean;
  existing_only: boolean;
  delete: boolean;
  dirs: boolean;
  recursive?: boolean;
  links?: boolean;
  copy_links: boolean;
  perms?: boolean;
  times?: boolean;
  owner?: boolean;
  group?: boolean;
  rsync_timeout: number;
  rsync_opts: string[];
  partial: boolean;
  delay_updates: boolean;
  link_dest?: string[];
}

const CHANGED_MARKER = '<<CHANGED>>';
const ARCHIVE_PARTS = ['recursive', 'links', 'perms', 'times', 'owner', 'group'] as const;

/** A link_dest as Ansible passes it: made absolute on the controller (~ and the current folder). */
function linkDestPath(linkDest: string): string {
  return resolve(linkDest.replace(/^~(?=\/|$)/, homedir()));
}

/** Ansible's refusal of a link_dest that the destination's folder lies under, or undefined. */
export function linkDestRecursion(linkDests: readonly string[] | undefined, dest: string): string | undefined {
  const destinationFolder = resolve(dirname(dest));
  const inside = linkDests?.find((linkDest) => destinationFolder.startsWith(linkDestPath(linkDest)));
  return inside === undefined ? undefined : `Hardlinking into a subdirectory of the source would cause recursion. ${destinationFolder} and ${dest}`;
}

/** rsync's options in the order Ansible's synchronize module puts them. */
export function rsyncOptions(flags: RsyncFlags, extra: { dryRun: boolean; rsh?: string; rsyncPath?: string }): string[] {
  const options = flags.delay_updates ? ['--delay-updates', '-F'] : [];
  if (flags.compress) options.push('--compress');
  if (flags.rsync_timeout) options.push(`--timeout=${flags.rsync_timeout}`);
  if (extra.dryRun) options.push('--dry-run');
  if (flags.delete) options.push('--delete-after');
  if (flags.existing_only) options.push('--existing');
  if (flags.checksum) options.push('--checksum');
  if (flags.copy_links) options.push('--copy-links');
  if (flags.archive) {
    options.push('--archive');
    for (const part of ARCHIVE_PARTS) if (flags[part] === false) options.push(`--no-${part}`);
  } else {
    for (const part of ARCHIVE_PARTS) if (flags[part] === true) options.push(`--${part}`);
  }
  if (flags.dirs) options.push('--dirs');
  if (extra.rsh !== undefined) options.push(`--rsh=${extra.rsh}`);
  if (extra.rsyncPath !== undefined) options.push(`--rsync-path=${extra.rsyncPath}`);
  // Ansible runs the command line through shlex: quotes written inside an rsync_opts item are removed.
  for (const option of flags.rsync_opts) options.push(...parse(option).filter((word): word is string => typeof word === 'string'));
  if (flags.partial) options.push('--partial');
  if (flags.link_dest !== undefined && flags.link_dest.length > 0) {
    // -vv: rsync does not itemize a file it only hard-links, so the change is told from its verbose lines.
    options.push('-H', '-vv');
    for (const linkDest of flags.link_dest) options.push(`--link-dest=${linkDestPath(linkDest)}`);
  }
  options.push(`--out-format=${CHANGED_MARKER}%i %n%L`);
  return options;
}

export interface RsyncOutcome {
  rc: number;
  changed: boolean;
  /** rsync's itemized changes, without the marker. */
  out: string;
  err: string;
  cmd: string;
}

/** Runs rsync on the controller (argv, no shell); an ssh_config, if any, lives in a private folder for the run only. */
export async function runRsync(rsync: string, options: (configPath: string | undefined) => string[], paths: [string, string], sshConfig: string | undefined): Promise<RsyncOutcome> {
  const folder = sshConfig === undefined ? undefined : await mkdtemp(join(tmpdir(), 'betif-rsync-'));
  try {
    const configPath = folder === undefined ? undefined : join(folder, 'ssh_config');
    if (configPath !== undefined) await writeFile(configPath, sshConfig!, { mode: 0o600 });
    const argv = [...options(configPath), ...paths];
    const { rc, stdout, stderr } = await spawned(rsync, argv);
    // With link_dest a line itemized with a leading '.' (nothing sent) means no change, as Ansible reads it.
    const changed = argv.some((word) => word.startsWith('--link-dest=')) ? !stdout.includes(`${CHANGED_MARKER}.`) : stdout.includes(CHANGED_MARKER);
    return { rc, changed, out: stdout.replaceAll(CHANGED_MARKER, ''), err: stderr, cmd: quoteArgv([rsync, ...argv]) };
  } finally {
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  }
}

function spawned(command: string, argv: string[]): Promise<{ rc: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => resolve({ rc: 127, stdout, stderr: `${command}: ${error.message}` }));
    child.on('close', (code) => resolve({ rc: code ?? 1, stdout, stderr }));
  });
}
