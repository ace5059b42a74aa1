import { statSync } from 'node:fs';
import { posix } from 'node:path';
import type { ModuleContext, ModuleResult, Plan } from '../../contract.js';
import { MAX_DIFF_BYTES } from '../../shared/content.js';
import type { AttributeArgs } from '../../shared/file-attributes.js';
import { planPut } from '../../shared/put-file.js';
import { probePaths, type HostProbe, type PathProbe } from '../../shared/probe.js';
import type { ValidateCommand } from '../../shared/validate-command.js';
import { readSourceContent } from './controller-file.js';
import { walkControllerTree, type ControllerTree } from './copy-tree.js';
import { linkSourceCandidates, planFileState, type FileArgs } from './file-states.js';

export interface CopyArgs extends AttributeArgs {
  src?: string;
  content?: unknown;
  dest: string;
  backup: boolean;
  force: boolean;
  remote_src: boolean;
  decrypt: boolean;
  follow: boolean;
  local_follow?: boolean;
  directory_mode?: string | number;
  validate?: string;
}

export interface FolderCopy {
  args: CopyArgs;
  /** The folder on the controller, as found (with a trailing slash when only its contents are copied). */
  source: string;
  /** dest, always as a folder (trailing slash). */
  dest: string;
  tree: ControllerTree;
  probe: HostProbe;
  byPath: Map<string, PathProbe>;
  validate?: ValidateCommand;
}

const TIMES_PRESERVED = { modification_time_format: '%Y%m%d%H%M.%S', access_time_format: '%Y%m%d%H%M.%S' };

function fileArgs(args: CopyArgs, path: string, extra: Partial<FileArgs>): FileArgs {
  return { path, owner: args.owner, group: args.group, recurse: false, force: false, follow: true, ...TIMES_PRESERVED, ...extra };
}

/**
 * The folders Ansible's copy module makes on the way to a file (dest itself, and the copied folder when
 * `src` has no trailing slash): only these get directory_mode when new. The folders inside the tree get
 * it always, as the copy action runs the file module on each.
 */
function implicitFolders(copy: { dest: string; tree: ControllerTree }): string[] {
  const tops = new Set<string>();
  for (const entry of [...copy.tree.files, ...copy.tree.symlinks, ...copy.tree.directories]) {
    const parent = posix.dirname(entry.rel);
    if (parent !== '.') tops.add(parent.split('/')[0]);
  }
  return [copy.dest.replace(/\/+$/, '') || '/', ...[...tops].map((top) => posix.join(copy.dest, top))];
}

export async function readFolderCopy(ctx: ModuleContext, args: CopyArgs, source: string, contentsOnly: boolean, validate?: ValidateCommand): Promise<FolderCopy> {
  const tree = walkControllerTree(source, contentsOnly, args.local_follow ?? true);
  const dest = args.dest.endsWith('/') ? args.dest : `${args.dest}/`;
  const partial = { dest, tree };
  const linkCandidates = tree.symlinks.flatMap((link) => linkSourceCandidates(fileArgs(args, posix.join(dest, link.rel), { src: link.source })));
  const paths = [
    ...implicitFolders(partial),
    ...[...tree.directories, ...tree.files, ...tree.symlinks].map((entry) => posix.join(dest, entry.rel)),
    ...linkCandidates,
  ];
  const probe = await probePaths(ctx.connection, [...new Set(paths)], {
    checksum: 'sha1',
    content: ctx.diff,
    contentLimit: MAX_DIFF_BYTES,
    owner: args.owner,
    group: args.group,
  });
  return { args, source: contentsOnly ? `${source.replace(/\/+$/, '')}/` : source, dest, tree, probe, byPath: new Map(probe.paths.map((found) => [found.path, found])), validate };
}

/** Ansible's copy of a folder: every file copied as by copy, folders and links made as by file; changed if any one changed. */
export function planFolderCopy(copy: FolderCopy, ctx: ModuleContext): Plan {
  const { args, dest, tree, probe, byPath } = copy;
  const at = (rel: string) => byPath.get(posix.join(dest, rel)) as PathProbe;
  const snapshot = (path: string) => ({ probe, target: byPath.get(path) as PathProbe, byPath });
  const plans: Plan[] = [];

  const folders = [
    ...implicitFolders(copy)
      .filter((path) => !byPath.get(path)?.exists)
      .map((path) => ({ path, mode: args.directory_mode })),
    ...tree.directories.map((entry) => ({ path: posix.join(dest, entry.rel), mode: args.directory_mode })),
  ];
  for (const folder of folders) {
    plans.push(planFileState(fileArgs(args, folder.path, { state: 'directory', mode: folder.mode }), snapshot(folder.path), ctx));
  }
  for (const file of tree.files) {
    const content = readSourceContent(file.source, args.decrypt);
    const request = {
      dest: posix.join(dest, file.rel),
      attributes: args,
      backup: args.backup,
      force: args.force,
      follow: false,
      createParents: true,
      content,
      sourceLabel: file.source,
      sourceMode: statSync(file.source).mode & 0o7777,
      validate: copy.validate,
    };
    plans.push(planPut({ request, probe, dest: at(file.rel) }, ctx));
  }
  for (const link of tree.symlinks) {
    const path = posix.join(dest, link.rel);
    const mode = args.mode === 'preserve' ? undefined : args.mode;
    plans.push(planFileState(fileArgs(args, path, { state: 'link', src: link.source, force: true, follow: false, mode }), snapshot(path), ctx));
  }

  // With a single file Ansible reports that file's copy; otherwise the folder.
  const single = tree.files.length === 1 ? plans[folders.length] : undefined;
  return {
    changed: plans.some((plan) => plan.changed),
    // Ansible's copy action keeps the content diff only then (each file's diff is lost in a folder's result).
    diff: single?.diff ?? [],
    result: single?.result ?? { dest, src: copy.source },
    apply: async () => {
      let singleResult: ModuleResult = {};
      for (const plan of plans) {
        const applied = plan.changed && plan.apply ? await plan.apply() : {};
        if (plan === single) singleResult = applied;
      }
      return singleResult;
    },
  };
}
