import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { FILE_ATTRIBUTE_PROPERTIES, foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { NO_ATTRIBUTE_CHANGE, planAttributes, type AttributeArgs } from '../shared/file-attributes.js';
import { runFileOperation } from '../shared/file-ops.js';
import { probePaths, type HostProbe, type PathProbe } from '../shared/probe.js';
import { editIni } from './lib/ini-edit.js';

interface IniFileArgs extends AttributeArgs {
  path: string;
  section?: string | null;
  option?: string | null;
  value?: string | null;
  values?: string[] | null;
  state: 'present' | 'absent';
  exclusive: boolean;
  no_extra_spaces: boolean;
  allow_no_value: boolean;
  ignore_spaces: boolean;
  create: boolean;
  backup: boolean;
}

interface IniFileState {
  probe: HostProbe;
  target: PathProbe;
}

const ALIASES = { path: ['dest'] };

const SCALAR = { type: ['string', 'number', 'boolean'] };
const NULLABLE_TEXT = { type: ['string', 'number', 'boolean', 'null'] };

const PROPERTIES: Record<string, object> = {
  path: { type: 'string', minLength: 1, description: 'Path to the INI-style file; it is created if missing (unless create is false).' },
  section: { ...NULLABLE_TEXT, description: 'Section name in the INI file; null (or omitted) means the global area before the first section.' },
  option: { ...NULLABLE_TEXT, description: 'The option to manage; omitted with state=absent removes the whole section.' },
  value: { ...NULLABLE_TEXT, description: 'The value of the option; may be omitted when removing an option, or with allow_no_value.' },
  values: { type: ['array', 'null'], items: SCALAR, description: 'A list of values for an option that may appear several times (mutually exclusive with value).' },
  state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the option (or section) should be present or absent.' },
  exclusive: { type: 'boolean', default: true, description: 'With present, remove other values of the option; with absent, remove every line of the option whatever its value.' },
  no_extra_spaces: { type: 'boolean', default: false, description: 'Write `option=value` instead of `option = value`.' },
  allow_no_value: { type: 'boolean', default: false, description: 'Allow an option without a value (a bare `option` line).' },
  ignore_spaces: { type: 'boolean', default: false, description: 'Leave an active option line alone when only the spaces around `=` differ.' },
  create: { type: 'boolean', default: true, description: 'Create the file when it is missing; if false, a missing file is an error.' },
  backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the original file when it changes.' },
  ...FILE_ATTRIBUTE_PROPERTIES,
};

const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));

/** The wanted values as ini_file reads them: value wins, values otherwise, none given is an empty list. */
function wantedValues(args: IniFileArgs): string[] {
  if (args.value !== undefined && args.value !== null) return [String(args.value)];
  return (args.values ?? []).map(String);
}

function checkCombination(args: IniFileArgs): void {
  if (args.value !== undefined && args.value !== null && args.values !== undefined && args.values !== null) throw new ModuleFailure('parameters are mutually exclusive: value|values');
  if (args.state === 'present' && !args.allow_no_value && text(args.value) === undefined && (args.values ?? []).length === 0) {
    throw new ModuleFailure("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");
  }
}

export default defineModule<Record<string, unknown>, IniFileState>({
  name: 'ini_file',
  namespace: 'community.general',
  examples: `
- name: Limit the number of worker processes
  community.general.ini_file:
    path: /etc/app/app.ini
    section: server
    option: workers
    value: "8"
    mode: '0644'

- name: Drop an option
  community.general.ini_file:
    path: /etc/app/app.ini
    section: server
    option: debug
    state: absent
`,
  returns: {
    path: { type: 'str', returned: 'always', description: 'The INI file that was edited.' },
    msg: { type: 'str', returned: 'always', description: "What was done, in the collection's words (section and option added, option changed, OK ...)." },
    backup_file: { type: 'str', returned: 'when backup made a copy', description: 'The copy of the old file.' },
  },
  schema: {
    type: 'object',
    description: 'Manages options and sections of INI-style files (community.general.ini_file).',
    additionalProperties: false,
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(PROPERTIES, ALIASES),
  },

  async read(ctx, raw) {
    const args = foldAliases<IniFileArgs>(raw, ALIASES);
    checkCombination(args);
    const probe = await probePaths(ctx.connection, [args.path], { content: true, owner: args.owner, group: args.group });
    const target = probe.paths[0];
    if (target.stat?.kind === 'directory') throw new ModuleFailure(`[Errno 21] Is a directory: '${args.path}'`);
    if (target.exists && target.content === undefined) throw new ModuleFailure(`[Errno 13] Permission denied: '${args.path}'`);
    return { probe, target };
  },

  plan(raw, { probe, target }, ctx) {
    const args = foldAliases<IniFileArgs>(raw, ALIASES);
    const exists = target.stat !== undefined;
    if (!exists && !args.create) throw new ModuleFailure(`Destination ${args.path} does not exist!`, { rc: 257 });
    const before = target.content?.toString('utf8') ?? '';
    const edit = editIni(before, {
      section: text(args.section),
      option: text(args.option),
      values: wantedValues(args),
      state: args.state,
      exclusive: args.exclusive,
      noExtraSpaces: args.no_extra_spaces,
      allowNoValue: args.allow_no_value,
      ignoreSpaces: args.ignore_spaces,
    });
    // As ini_file does: file attributes are looked at only outside check mode.
    const attributes = ctx.check ? NO_ATTRIBUTE_CHANGE : planAttributes(args, target.stat, probe, false);
    const result: ModuleResult = { msg: edit.msg, path: args.path };
    const header = `${args.path} (content)`;
    return {
      changed: edit.changed || attributes.changed,
      diff: edit.changed ? [{ before, after: edit.text, beforeHeader: header, afterHeader: header }] : [],
      result,
      apply: async () => {
        const writePath = target.realPath ?? args.path;
        if (!edit.changed) {
          await runFileOperation(ctx.connection, writePath, { kind: 'attributes', recurse: false }, attributes);
          return {};
        }
        const written = await writeFileAtomically(ctx.connection, {
          path: writePath,
          content: Buffer.from(edit.text, 'utf8'),
          replacing: target.stat,
          attributes: attributes,
          backup: args.backup && exists,
          createParents: !exists,
        });
        return written.backupFile ? { backup_file: written.backupFile } : {};
      },
    };
  },
});
