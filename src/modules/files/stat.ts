import { defineModule } from '../contract.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { formatMode, type FileStat } from '../shared/file-stat.js';
import { probePaths, type ChecksumAlgorithm, type PathProbe } from '../shared/probe.js';

interface StatArgs {
  path: string;
  follow: boolean;
  get_checksum: boolean;
  checksum_algorithm?: ChecksumAlgorithm;
  get_mime?: boolean;
  get_attributes?: boolean;
}

const ALIASES = {
  path: ['dest', 'name'],
  checksum_algorithm: ['checksum', 'checksum_algo'],
  get_mime: ['mime', 'mime_type', 'mime-type'],
  get_attributes: ['attr', 'attributes'],
};

/** lsattr flag letters, as Ansible names them. */
const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted', h: 'blocksize',
  i: 'immutable', I: 'indexed', j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous', t: 'notail', T: 'blockroot', u: 'undelete',
  X: 'compressedraw', Z: 'compresseddirty',
};

function permissionBits(mode: number): Record<string, boolean> {
  const bit = (mask: number) => (mode & mask) !== 0;
  return {
    isuid: bit(0o4000), isgid: bit(0o2000),
    rusr: bit(0o400), wusr: bit(0o200), xusr: bit(0o100),
    rgrp: bit(0o40), wgrp: bit(0o20), xgrp: bit(0o10),
    roth: bit(0o4), woth: bit(0o2), xoth: bit(0o1),
  };
}

/** Ansible's stat output for one path. */
function describe(path: string, found: PathProbe, stat: FileStat, args: StatArgs): Record<string, unknown> {
  const output: Record<string, unknown> = {
    exists: true,
    path,
    mode: formatMode(stat.mode),
    isdir: stat.kind === 'directory',
    ischr: stat.kind === 'char',
    isblk: stat.kind === 'block',
    isreg: stat.kind === 'file',
    isfifo: stat.kind === 'fifo',
    islnk: stat.kind === 'link',
    issock: stat.kind === 'socket',
    uid: stat.uid,
    gid: stat.gid,
    size: stat.size,
    inode: stat.inode,
    dev: stat.dev,
    nlink: stat.nlink,
    atime: stat.atime,
    mtime: stat.mtime,
    ctime: stat.ctime,
    ...permissionBits(stat.mode),
    blocks: stat.blocks,
    block_size: stat.blockSize,
    device_type: stat.rdev,
    readable: found.readable,
    writeable: found.writeable,
    executable: found.executable,
    pw_name: stat.owner,
    gr_name: stat.group,
  };
  if (stat.kind === 'link') {
    output.lnk_source = found.realPath;
    output.lnk_target = found.linkTarget;
  }
  if (stat.kind === 'file' && found.readable && args.get_checksum && found.checksum) output.checksum = found.checksum;
  if (args.get_mime) {
    output.mimetype = found.mime?.type ?? 'unknown';
    output.charset = found.mime?.charset ?? 'unknown';
  }
  if (args.get_attributes) {
    const flags = found.attributes?.flags ?? '';
    output.version = found.attributes?.version ?? null;
    output.attr_flags = flags;
    output.attributes = [...flags].map((flag) => FILE_ATTRIBUTES[flag]).filter(Boolean);
  }
  return output;
}

function canonical(raw: Record<string, unknown>): StatArgs {
  const args = foldAliases<StatArgs>(raw, ALIASES);
  return { ...args, checksum_algorithm: args.checksum_algorithm ?? 'sha1', get_mime: args.get_mime ?? true, get_attributes: args.get_attributes ?? true };
}

export default defineModule<Record<string, unknown>, PathProbe>({
  name: 'stat',
  examples: `
- name: Look at a file
  ansible.builtin.stat:
    path: /etc/app/app.conf
  register: conf

- name: Fail when it is missing or world-writable
  ansible.builtin.fail:
    msg: app.conf is missing or unsafe
  when: not conf.stat.exists or conf.stat.woth
`,
  returns: {
    stat: { type: 'dict', returned: 'success', description: 'Facts about the path - exists, isdir, isreg, islnk, mode, uid, gid, pw_name, gr_name, size, mtime, checksum, lnk_target ...' },
  },
  readOnly: true,
  schema: {
    description: 'Returns facts about a path on the host (existence, type, mode, owner, size, checksum).',
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(
      {
        path: { type: 'string', minLength: 1, description: 'The path to look at.' },
        follow: { type: 'boolean', default: false, description: 'Whether a symbolic link is followed and its target described.' },
        get_checksum: { type: 'boolean', default: true, description: "Whether the file's checksum is computed." },
        checksum_algorithm: { enum: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], description: 'The hash used for the checksum.' },
        get_mime: { type: 'boolean', description: "Whether the file's MIME type and encoding are detected (with the file command)." },
        get_attributes: { type: 'boolean', description: "Whether the file's attributes (lsattr) are read." },
      },
      ALIASES,
    ),
  },
  read: async (ctx, raw) => {
    const args = canonical(raw);
    const probe = await probePaths(ctx.connection, [args.path], {
      checksum: args.get_checksum ? args.checksum_algorithm : undefined,
      mime: args.get_mime,
      attributes: args.get_attributes,
    });
    return probe.paths[0];
  },
  plan: (raw, found) => {
    const args = canonical(raw);
    const stat = args.follow ? found.stat : found.lstat;
    return { changed: false, result: { stat: stat ? describe(args.path, found, stat, args) : { exists: false } } };
  },
});
