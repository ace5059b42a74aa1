import { defineModule, type ModuleResult } from '../contract.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { ageMatches, contentFilter, nameFilter, parseAge, parseSize, sizeMatches } from './lib/find-filters.js';
import { readFiles, sha1Files, walkPaths, type WalkEntry, type WalkedPath } from './lib/find-walk.js';

interface FindArgs {
  paths: string[];
  patterns: string[];
  excludes?: string[];
  contains?: string;
  read_whole_file: boolean;
  file_type: 'any' | 'directory' | 'file' | 'link';
  age?: string;
  age_stamp: 'atime' | 'ctime' | 'mtime';
  size?: string;
  recurse: boolean;
  hidden: boolean;
  follow: boolean;
  get_checksum: boolean;
  use_regex: boolean;
  depth?: number;
}

interface FindState {
  files: Record<string, unknown>[];
  examined: number;
  skipped: Record<string, string>;
}

const ALIASES = { paths: ['name', 'path'], patterns: ['pattern'], excludes: ['exclude'] };
const LIST = { type: ['array', 'string'], items: { type: 'string' } };

/** Ansible's list arguments: a string is split at commas. */
const asList = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(String) : String(value).split(',').map((item) => item.trim());

function canonical(raw: Record<string, unknown>): FindArgs {
  const args = foldAliases<Record<string, unknown>>(raw, ALIASES);
  const patterns = asList(args.patterns) ?? [];
  return {
    ...(args as unknown as FindArgs),
    paths: asList(args.paths) ?? [],
    patterns: patterns.length > 0 ? patterns : [args.use_regex ? '.*' : '*'],
    excludes: asList(args.excludes),
    age: args.age === undefined ? undefined : String(args.age),
    size: args.size === undefined ? undefined : String(args.size),
  };
}

/** The fields find.py's statinfo() reports for a match. */
function statInfo(entry: WalkEntry): Record<string, unknown> {
  const bit = (mask: number) => (entry.mode & mask) !== 0;
  return {
    path: entry.path,
    mode: (entry.mode & 0o7777).toString(8).padStart(4, '0'),
    isdir: entry.kind === 'd',
    ischr: entry.kind === 'c',
    isblk: entry.kind === 'b',
    isreg: entry.kind === 'f',
    isfifo: entry.kind === 'p',
    islnk: entry.kind === 'l',
    issock: entry.kind === 's',
    uid: entry.uid,
    gid: entry.gid,
    size: entry.size,
    inode: entry.inode,
    dev: entry.dev,
    nlink: entry.nlink,
    atime: entry.atime,
    mtime: entry.mtime,
    ctime: entry.ctime,
    gr_name: entry.group,
    pw_name: entry.owner,
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o020),
    rgrp: bit(0o040),
    xgrp: bit(0o010),
    woth: bit(0o002),
    roth: bit(0o004),
    xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
  };
}

/** How deep find must list: os.walk reads every folder it enters, even past `depth`. */
function listingDepth(args: FindArgs): number | undefined {
  if (!args.recurse) return 1;
  return args.depth ? args.depth + 1 : undefined;
}

interface Candidate {
  entry: WalkEntry;
  /** Decided by name, age and size; contains still reads the file. */
  needsContent: boolean;
}

/** os.walk's order and Ansible's filters: each folder's files, then its folders, then down into them. */
function walkInOrder(walked: WalkedPath, args: FindArgs, now: number): { candidates: Candidate[]; examined: number } {
  const children = new Map<string, WalkEntry[]>();
  for (const entry of walked.entries) children.set(entry.parent, [...(children.get(entry.parent) ?? []), entry]);
  const nameMatches = nameFilter(args.patterns, args.excludes ?? [], args.use_regex);
  const age = parseAge(args.age);
  const size = parseSize(args.size);
  const topSlashes = (walked.path.replace(/\/+$/, '') + '/').split('/').length - 1;
  const candidates: Candidate[] = [];
  let examined = 0;
  const visit = (root: string): void => {
    const listed = children.get(root) ?? [];
    const dirs = listed.filter((entry) => entry.isDirFollowed);
    const ordered = [...listed.filter((entry) => !entry.isDirFollowed), ...dirs];
    examined += ordered.length;
    let prune = false;
    for (const entry of ordered) {
      if (args.depth && entry.path.split('/').length - 1 - topSlashes + 1 > args.depth) {
        prune = true;
        continue;
      }
      if (entry.name.startsWith('.') && !args.hidden) continue;
      const named = nameMatches(entry.name) && ageMatches(entry[args.age_stamp], now, age);
      if (!named) continue;
      if (args.file_type === 'any' && (entry.kind !== 'f' || sizeMatches(entry.size, size))) candidates.push({ entry, needsContent: false });
      else if (args.file_type === 'directory' && entry.kind === 'd') candidates.push({ entry, needsContent: false });
      else if (args.file_type === 'link' && entry.kind === 'l') candidates.push({ entry, needsContent: false });
      else if (args.file_type === 'file' && entry.kind === 'f' && sizeMatches(entry.size, size)) candidates.push({ entry, needsContent: args.contains !== undefined });
    }
    if (!args.recurse || prune) return;
    for (const dir of dirs) if (args.follow || dir.kind !== 'l') visit(dir.path);
  };
  visit(walked.path);
  return { candidates, examined };
}

export default defineModule<Record<string, unknown>, FindState>({
  name: 'find',
  examples: `
- name: Find logs older than two weeks
  ansible.builtin.find:
    paths: /var/log/app
    patterns: '*.log'
    age: 2w
    recurse: true
  register: old_logs

- name: Find configuration files that mention a host
  ansible.builtin.find:
    paths: [/etc/app]
    contains: 'db1\\.example\\.com'
`,
  returns: {
    files: { type: 'list', returned: 'success', description: 'One stat-like mapping per file found (path, size, mode, mtime ...).' },
    matched: { type: 'int', returned: 'success', description: 'How many files were found.' },
    examined: { type: 'int', returned: 'success', description: 'How many files were looked at.' },
    skipped_paths: { type: 'dict', returned: 'success', description: 'Paths that could not be searched, with why.' },
  },
  schema: {
    description: 'Finds files on the host by name, age, size or content, like the find command.',
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('paths', ALIASES.paths),
    properties: withAliases(
      {
        paths: { ...LIST, description: 'The directories to search.' },
        patterns: { ...LIST, default: [], description: 'File name patterns (shell globs, or regular expressions with use_regex); any may match.' },
        excludes: { ...LIST, description: 'File name patterns of files to leave out.' },
        contains: { type: 'string', description: "A regular expression a file's content must match." },
        read_whole_file: { type: 'boolean', default: false, description: 'Whether contains is matched against the whole file rather than each line.' },
        file_type: { enum: ['any', 'directory', 'file', 'link'], default: 'file', description: 'The kind of path to find.' },
        age: { type: ['string', 'integer'], description: 'Only files older than this (or, negative, newer), e.g. 2d, 1w or seconds.' },
        age_stamp: { enum: ['atime', 'ctime', 'mtime'], default: 'mtime', description: 'Which time age is compared with.' },
        size: { type: ['string', 'integer'], description: 'Only files at least this big (or, negative, at most), e.g. 10m or bytes.' },
        recurse: { type: 'boolean', default: false, description: 'Whether subdirectories are searched.' },
        hidden: { type: 'boolean', default: false, description: 'Whether files whose names start with a dot are included.' },
        follow: { type: 'boolean', default: false, description: 'Whether symbolic links to directories are followed.' },
        get_checksum: { type: 'boolean', default: false, description: "Whether each found file's SHA1 checksum is returned." },
        use_regex: { type: 'boolean', default: false, description: 'Whether patterns and excludes are regular expressions instead of globs.' },
        depth: { type: 'integer', description: 'How many directory levels deep recurse goes.' },
      },
      ALIASES,
    ),
  },

  async read(ctx, raw) {
    const args = canonical(raw);
    parseAge(args.age);
    parseSize(args.size);
    const now = Date.now() / 1000;
    const walked = await walkPaths(ctx.connection, args.paths, args.follow, listingDepth(args));
    const skipped: Record<string, string> = {};
    let examined = 0;
    const candidates: Candidate[] = [];
    for (const path of walked) {
      const listed = walkInOrder(path, args, now);
      examined += listed.examined;
      candidates.push(...listed.candidates);
      if (path.error !== undefined) skipped[path.path] = path.error;
    }
    const needingContent = candidates.filter((candidate) => candidate.needsContent).map((candidate) => candidate.entry.path);
    const contents = new Map(needingContent.map((path, index) => [path, index]));
    const read = await readFiles(ctx.connection, needingContent);
    const contains = args.contains === undefined ? undefined : contentFilter(args.contains, args.read_whole_file);
    const matched = candidates.filter(({ entry, needsContent }) => {
      if (!needsContent || !contains) return true;
      const content = read[contents.get(entry.path) ?? -1];
      return content !== undefined && contains(content);
    });
    const files = matched.map(({ entry }) => statInfo(entry));
    if (args.get_checksum) {
      const regular = files.filter((file) => file.isreg);
      const sums = await sha1Files(ctx.connection, regular.map((file) => String(file.path)));
      regular.forEach((file, index) => {
        if (sums[index] !== undefined) file.checksum = sums[index];
      });
    }
    return { files, examined, skipped };
  },

  plan(_args, state) {
    const warnings = Object.entries(state.skipped).map(([path, reason]) => `Skipped '${path}' path due to this access issue: ${reason}\n`);
    const result: ModuleResult = {
      files: state.files,
      msg: warnings.length > 0 ? 'Not all paths examined, check warnings for details' : 'All paths examined',
      matched: state.files.length,
      examined: state.examined,
      skipped_paths: state.skipped,
    };
    if (warnings.length > 0) result.warnings = warnings;
    return { changed: false, result };
  },
});
