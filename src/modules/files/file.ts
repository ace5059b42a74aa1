import { defineModule } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES, foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { checkModeSyntax } from '../shared/file-mode.js';
import { linkSourceCandidates, planFileState, type FileArgs, type FileSnapshot } from './lib/file-states.js';
import { probePaths } from '../shared/probe.js';

const ALIASES = { path: ['dest', 'name'] };

function canonical(raw: Record<string, unknown>): FileArgs {
  const args = foldAliases<FileArgs>(raw, ALIASES);
  checkModeSyntax(args.mode);
  return args;
}

export default defineModule<Record<string, unknown>, FileSnapshot>({
  name: 'file',
  schema: {
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(
      {
        path: { type: 'string', minLength: 1 },
        state: { enum: ['file', 'directory', 'absent', 'link', 'hard', 'touch'] },
        src: { type: 'string' },
        recurse: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        follow: { type: 'boolean', default: true },
        ...FILE_ATTRIBUTE_PROPERTIES,
      },
      ALIASES,
    ),
  },
  read: async (ctx, raw) => {
    const args = canonical(raw);
    const sources = linkSourceCandidates(args);
    const probe = await probePaths(ctx.connection, [args.path, ...sources], {
      owner: args.owner,
      group: args.group,
      tree: args.recurse && args.src === undefined,
    });
    return { probe, target: probe.paths[0], byPath: new Map(probe.paths.slice(1).map((found) => [found.path, found])) };
  },
  plan: (raw, snapshot, ctx) => planFileState(canonical(raw), snapshot, ctx),
});
