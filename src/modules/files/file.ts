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
        modification_time: {
          type: 'string',
          description: "The time to set as the file's modification time: 'preserve' (the default, except for state=touch), 'now' (the default for touch), or a time in modification_time_format.",
        },
        modification_time_format: { type: 'string', default: '%Y%m%d%H%M.%S', description: "The Python strptime format modification_time is written in." },
        access_time: {
          type: 'string',
          description: "The time to set as the file's access time: 'preserve' (the default, except for state=touch), 'now' (the default for touch), or a time in access_time_format.",
        },
        access_time_format: { type: 'string', default: '%Y%m%d%H%M.%S', description: 'The Python strptime format access_time is written in.' },
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
