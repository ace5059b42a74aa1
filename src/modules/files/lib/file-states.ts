import { posix } from 'node:path';
import { ModuleFailure, type FileDiff, type ModuleContext, type ModuleResult, type Plan } from '../../contract.js';
import { fieldsDiff, NO_ATTRIBUTE_CHANGE, planAttributes, planTreeAttributes, type AttributeArgs, type AttributeChange } from '../../shared/file-attributes.js';
import { removePath, runFileOperation, type FileOperation } from '../../shared/file-ops.js';
import { pathInfo, pathState, type FileStat, type PathState } from '../../shared/file-stat.js';
import type { HostProbe, PathProbe } from '../../shared/probe.js';
import { NO_TIME_CHANGE, planTimes, type TimeArgs, type TimeChange } from './file-times.js';
import type { PathContent } from './path-content.js';

/*
 * The file module's states, following Ansible 2.14's file.py (same checks, messages and results).
 */

export type FileStateName = 'file' | 'directory' | 'absent' | 'link' | 'hard' | 'touch';

export interface FileArgs extends AttributeArgs, TimeArgs {
  path: string;
  state?: FileStateName;
  src?: string;
  recurse: boolean;
  force: boolean;
  follow: boolean;
}

export interface FileSnapshot {
  probe: HostProbe;
  target: PathProbe;
  /** Every probed path (link sources), by path. */
  byPath: Map<string, PathProbe>;
  /** What is inside a folder state=absent removes. */
  content?: PathContent;
}

/** Where a symlink's src points, seen from the folder the link lives in (Python's os.path.join). */
function linkSourcePath(folder: string, src: string): string {
  return posix.isAbsolute(src) ? src : posix.join(folder, src);
}

/** The paths to probe besides `path`: the candidates for a link's src. */
export function linkSourceCandidates(args: FileArgs): string[] {
  if (args.src === undefined) return [];
  return [...new Set([linkSourcePath(posix.dirname(args.path), args.src), linkSourcePath(args.path, args.src), args.src])];
}

interface Step {
  path: string;
  prev: PathState;
  current?: FileStat;
}

/** With follow, a state that is about the target of a symlink works on the resolved path. */
function followed(args: FileArgs, { target }: FileSnapshot): Step {
  const prev = pathState(target.lstat);
  if (args.follow && prev === 'link' && target.realPath) return { path: target.realPath, prev: pathState(target.stat), current: target.stat };
  return { path: args.path, prev, current: target.lstat };
}

function stateDiff(
  path: string,
  prev: PathState,
  state: string,
  attributes: AttributeChange,
  extra: { before?: object; after?: object } = {},
  times: TimeChange = NO_TIME_CHANGE,
): FileDiff[] {
  const states = prev === state ? [{}, {}] : [{ state: prev }, { state }];
  return [
    fieldsDiff({ path, ...states[0], ...attributes.before, ...times.before, ...extra.before }, { path, ...states[1], ...attributes.after, ...times.after, ...extra.after }),
  ];
}

/** As Ansible's file module, a result that changed nothing still carries `diff`: the path, and the state when it differs (touch). */
function unchanged(path: string, prev: PathState, state: string, result: ModuleResult): Plan {
  const [before, after] = prev === state ? [{}, {}] : [{ state: prev }, { state }];
  return { changed: false, result: { ...result, diff: { before: { path, ...before }, after: { path, ...after } } } };
}

function info(stat: FileStat | undefined): ModuleResult {
  return stat ? pathInfo(stat) : {};
}

/** Folders from the top down: '/a/b' -> ['/a', '/a/b'] (mkdir -p, one at a time). */
function folderChain(path: string): string[] {
  const prefix = path.startsWith('/') ? '/' : '';
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, index) => prefix + parts.slice(0, index + 1).join('/'));
}

function operation(ctx: ModuleContext, path: string, op: FileOperation, attributes: AttributeChange, times: TimeChange = NO_TIME_CHANGE, noFollow = false) {
  return async (): Promise<ModuleResult> => pathInfo(await runFileOperation(ctx.connection, path, op, attributes, noFollow, times));
}

function planAbsent(args: FileArgs, snapshot: FileSnapshot, ctx: ModuleContext): Plan {
  const prev = pathState(snapshot.target.lstat);
  const result = { path: args.path, state: 'absent' };
  if (prev === 'absent') return { changed: false, result };
  return {
    changed: true,
    diff: stateDiff(args.path, prev, 'absent', NO_ATTRIBUTE_CHANGE, snapshot.content ? { before: { path_content: snapshot.content } } : {}),
    result,
    apply: async () => {
      await removePath(ctx.connection, args.path);
      return result;
    },
  };
}

function planFile(args: FileArgs, snapshot: FileSnapshot, ctx: ModuleContext): Plan {
  const { path, prev, current } = followed(args, snapshot);
  if (prev !== 'file' && prev !== 'hard') throw new ModuleFailure(`file (${path}) is ${prev}, cannot continue`, { path, state: prev });
  const attributes = planAttributes(args, current, snapshot.probe, ctx.check, { newFileDiff: !ctx.check });
  const times = planTimes(args, current, false);
  const result = { path, ...info(current) };
  if (!attributes.changed && !times.changed) return unchanged(path, prev, 'file', result);
  return {
    changed: true,
    diff: stateDiff(path, prev, 'file', attributes, {}, times),
    result,
    apply: operation(ctx, path, { kind: 'attributes', recurse: false }, attributes, times),
  };
}

function planDirectory(args: FileArgs, snapshot: FileSnapshot, ctx: ModuleContext): Plan {
  const { path, prev, current } = followed(args, snapshot);
  if (prev === 'absent') {
    const attributes = planAttributes(args, undefined, snapshot.probe, ctx.check, { isDirectory: true, newFileDiff: !ctx.check });
    return {
      changed: true,
      diff: stateDiff(path, prev, 'directory', attributes),
      result: { path },
      apply: operation(ctx, path, { kind: 'directory', folders: folderChain(path) }, attributes, planTimes(args, undefined, false)),
    };
  }
  if (prev !== 'directory') throw new ModuleFailure(`${path} already exists as a ${prev}`, { path });
  const attributes = planAttributes(args, current, snapshot.probe, ctx.check, { newFileDiff: !ctx.check });
  const tree = args.recurse ? planTreeAttributes(args, snapshot.target.tree ?? [], snapshot.probe, ctx.check) : NO_ATTRIBUTE_CHANGE;
  const times = planTimes(args, current, false);
  const result = { path, ...info(current) };
  if (!attributes.changed && !tree.changed && !times.changed) return unchanged(path, prev, 'directory', result);
  // chmod/chown -R also set the folder itself.
  const apply = tree.changed
    ? operation(ctx, path, { kind: 'attributes', recurse: true }, tree, times, !args.follow)
    : operation(ctx, path, { kind: 'attributes', recurse: false }, attributes, times);
  return { changed: true, diff: stateDiff(path, prev, 'directory', attributes, {}, times), result, apply };
}

function planTouch(args: FileArgs, snapshot: FileSnapshot, ctx: ModuleContext): Plan {
  const { path, current } = followed(args, snapshot);
  const attributes = planAttributes(args, current, snapshot.probe, ctx.check, { newFileDiff: !ctx.check });
  // Both times default to now, which always changes the file; with both preserved a touch is idempotent.
  const times = planTimes(args, current, true);
  const result = { dest: args.path, ...info(current) };
  if (current && !attributes.changed && !times.changed) return unchanged(args.path, pathState(snapshot.target.lstat), 'touch', result);
  return {
    changed: true,
    diff: stateDiff(args.path, pathState(snapshot.target.lstat), 'touch', attributes, {}, times),
    result,
    apply: async () => ({ dest: args.path, ...pathInfo(await runFileOperation(ctx.connection, path, { kind: 'touch' }, attributes, false, times)) }),
  };
}

function planSymlink(args: FileArgs, snapshot: FileSnapshot, ctx: ModuleContext): Plan {
  const { target, byPath } = snapshot;
  const path = args.path;
  const prev = pathState(target.lstat);
  // Without src, an existing link is kept as it points (its target is then already probed).
  const src = args.src ?? (args.follow && prev === 'link' && target.stat ? target.linkTarget : undefined);
  const sourcePath = src === undefined ? undefined : linkSourcePath(prev === 'directory' ? path : posix.dirname(path), src);
  const sourceStat = args.src === undefined ? target.stat : byPath.get(sourcePath ?? '')?.stat;
  if (!args.force && src !== undefined && !sourceStat) {
    throw new ModuleFailure(`src file does not exist, use "force=yes" if you really want to create the link: ${sourcePath}`, { path, src });
  }
  if (prev === 'directory') {
    if (!args.force) throw new ModuleFailure(`refusing to convert from directory to symlink for ${path}`, { path });
    if (!target.directoryEmpty) throw new ModuleFailure(`the directory ${path} is not empty, refusing to convert it`, { path });
  } else if ((prev === 'file' || prev === 'hard') && !args.force) {
    throw new ModuleFailure(`refusing to convert from ${prev} to symlink for ${path}`, { path });
  }
  if (prev !== 'link' && src === undefined) throw new ModuleFailure('src is required for creating new symlinks');
  const linkChanged = prev !== 'link' || (src !== undefined && target.linkTarget !== src);
  const srcDiff = prev === 'link' && linkChanged ? { before: { src: target.linkTarget }, after: { src } } : {};
  const result = { dest: path, src, ...info(target.lstat) };

  // Attributes go to what the link points at (follow) or to the link itself (owner only: links have no mode).
  const pointedAt = linkChanged ? sourceStat : target.stat;
  let attributes = NO_ATTRIBUTE_CHANGE;
  const linkExistsAfter = !ctx.check || target.stat !== undefined;
  if (linkExistsAfter && args.follow && pointedAt) attributes = planAttributes(args, pointedAt, snapshot.probe, ctx.check);
  if (linkExistsAfter && !args.follow) attributes = planAttributes({ owner: args.owner, group: args.group }, linkChanged ? undefined : target.lstat, snapshot.probe, ctx.check);
  // Times are set through the link, on what it points at.
  const times = linkExistsAfter && pointedAt ? planTimes(args, pointedAt, false) : NO_TIME_CHANGE;

  if (!linkChanged && !attributes.changed && !times.changed) return unchanged(path, prev, 'link', result);
  const op: FileOperation = linkChanged && src !== undefined ? { kind: 'symlink', src } : { kind: 'attributes', recurse: false };
  return {
    changed: true,
    diff: stateDiff(path, prev, 'link', attributes, srcDiff, times),
    result,
    apply: async () => ({ dest: path, src, ...pathInfo(await runFileOperation(ctx.connection, path, op, attributes, !args.follow, times)) }),
  };
}

function planHardlink(args: FileArgs, snapshot: FileSnapshot, ctx: ModuleContext): Plan {
  const { target, byPath } = snapshot;
  const { path, src, force } = args;
  const prev = pathState(target.lstat);
  if (prev !== 'hard' && src === undefined) throw new ModuleFailure('src is required for creating new hardlinks');
  const source = src === undefined ? undefined : byPath.get(src)?.stat;
  if (src !== undefined && !source) throw new ModuleFailure('src does not exist', { dest: path, src });
  const sameInode = source !== undefined && target.stat !== undefined && source.inode === target.stat.inode && source.dev === target.stat.dev;

  let linkChanged = false;
  let srcDiff = {};
  if (prev === 'absent') linkChanged = true;
  else if (prev === 'link') {
    linkChanged = target.linkTarget !== src;
    if (linkChanged) srcDiff = { before: { src: target.linkTarget }, after: { src } };
  } else if (prev === 'hard') {
    linkChanged = src !== undefined && !sameInode;
    if (linkChanged && !force) throw new ModuleFailure('Cannot link, different hard link exists at destination', { dest: path, src });
  } else if (prev === 'file') {
    linkChanged = true;
    if (!force) throw new ModuleFailure('Cannot link, file exists at destination', { dest: path, src });
  } else if (sameInode) {
    return { changed: false, result: { path } };
  } else {
    throw new ModuleFailure(force ? `Cannot link: ${path} is a directory` : 'Cannot link: different hard link exists at destination', { dest: path, src });
  }

  const current = linkChanged ? source : target.stat;
  const linkExistsAfter = !ctx.check || target.stat !== undefined;
  const attributes = linkExistsAfter && current ? planAttributes(args, current, snapshot.probe, ctx.check, { newFileDiff: !ctx.check }) : NO_ATTRIBUTE_CHANGE;
  const times = linkExistsAfter && current ? planTimes(args, current, false) : NO_TIME_CHANGE;
  const result = { dest: path, src, ...info(target.lstat) };
  if (!linkChanged && !attributes.changed && !times.changed) return unchanged(path, prev, 'hard', result);
  const op: FileOperation = linkChanged && src !== undefined ? { kind: 'hardlink', src } : { kind: 'attributes', recurse: false };
  return {
    changed: true,
    diff: stateDiff(path, prev, 'hard', attributes, srcDiff, times),
    result,
    apply: async () => ({ dest: path, src, ...pathInfo(await runFileOperation(ctx.connection, path, op, attributes, false, times)) }),
  };
}

/** Ansible's default state: what is there now, else a directory for recurse, else file. */
export function effectiveState(args: FileArgs, target: PathProbe): FileStateName {
  if (args.state) return args.state;
  const prev = pathState(target.lstat);
  if (prev !== 'absent') return prev;
  return args.recurse ? 'directory' : 'file';
}

export function planFileState(args: FileArgs, snapshot: FileSnapshot, ctx: ModuleContext): Plan {
  const state = effectiveState(args, snapshot.target);
  if (args.recurse && state !== 'directory') throw new ModuleFailure("recurse option requires state to be 'directory'", { path: args.path });
  if (args.src !== undefined && state !== 'link' && state !== 'hard') throw new ModuleFailure("src option requires state to be 'link' or 'hard'", { path: args.path });
  switch (state) {
    case 'absent':
      return planAbsent(args, snapshot, ctx);
    case 'file':
      return planFile(args, snapshot, ctx);
    case 'directory':
      return planDirectory(args, snapshot, ctx);
    case 'touch':
      return planTouch(args, snapshot, ctx);
    case 'link':
      return planSymlink(args, snapshot, ctx);
    case 'hard':
      return planHardlink(args, snapshot, ctx);
  }
}
