import { existsSync } from 'node:fs';
import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult } from '../contract.js';
import { mergeHashes } from '../shared/merge-hash.js';
import { compilePythonRegex } from '../shared/python-regex.js';
import { hasExtension, isDirectory, loadVarsFile, varsDirectory, varsFileCandidates, VarsFileError, walkSorted } from './lib/vars-files.js';

interface IncludeVarsArgs {
  file?: string;
  dir?: string;
  name?: string;
  depth: number;
  files_matching?: string;
  ignore_files?: string | string[];
  extensions: string[];
  ignore_unknown_extensions: boolean;
  hash_behaviour?: 'replace' | 'merge';
}

const DIR_ONLY = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'] as const;
const EXTENSIONS = ['yaml', 'yml', 'json'];
/** Schema defaults are filled in whether written or not: only a non-default value counts as a dir argument. */
const DEFAULTS: Record<string, unknown> = { depth: 0, extensions: EXTENSIONS, ignore_unknown_extensions: false };

interface Loaded {
  vars: Record<string, unknown>;
  files: string[];
  error?: string;
}

const REMOTE_HINT = 'on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option';

function loadFile(ctx: ModuleContext, file: string): Loaded {
  // An empty name (first_found with errors='ignore' found nothing) names no file, not the folder searched.
  if (file === '') return { vars: {}, files: [], error: `Could not find file ${REMOTE_HINT}` };
  const candidates = varsFileCandidates(ctx.origin, file);
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) {
    const searched = candidates.map((candidate) => `\n\t${candidate}`).join('');
    return { vars: {}, files: [], error: `Could not find or access '${file}'\nSearched in:${searched} ${REMOTE_HINT}` };
  }
  return { vars: loadVarsFile(path), files: [path] };
}

/** Every matching file of a folder tree, in sorted order; a folder with a bad file adds nothing of its own. */
function loadDirectory(ctx: ModuleContext, args: IncludeVarsArgs): Loaded {
  const root = varsDirectory(ctx.origin, args.dir ?? '');
  if (!existsSync(root)) return { vars: {}, files: [], error: `${root} directory does not exist` };
  if (!isDirectory(root)) return { vars: {}, files: [], error: `${root} is not a directory` };
  const matcher = args.files_matching ? compilePythonRegex(args.files_matching, 'files_matching') : undefined;
  const ignored = (typeof args.ignore_files === 'string' ? args.ignore_files.split(/\s+/).filter(Boolean) : (args.ignore_files ?? [])).map((pattern) => compilePythonRegex(`(?:${pattern})$`, 'ignore_files'));
  const loaded: Loaded = { vars: {}, files: [] };
  for (const { dir, files } of walkSorted(root, args.depth)) {
    const fromFolder: Record<string, unknown> = {};
    for (const name of files) {
      if (matcher && !matcher.test(name)) continue;
      if (ignored.some((pattern) => pattern.test(name))) continue;
      const valid = hasExtension(name, args.extensions);
      if (!valid && args.ignore_unknown_extensions) continue;
      const path = `${dir}/${name}`;
      if (!valid) return { ...loaded, error: `${path} does not have a valid extension: ${args.extensions.join(', ')}` };
      Object.assign(fromFolder, loadVarsFile(path));
      loaded.files.push(path);
    }
    Object.assign(loaded.vars, fromFolder);
  }
  return loaded;
}

export default defineModule<IncludeVarsArgs, Loaded>({
  name: 'include_vars',
  examples: `
- name: Load the variables of this OS family
  ansible.builtin.include_vars: "{{ ansible_facts['os_family'] }}.yml"

- name: Load every settings file into one variable
  ansible.builtin.include_vars:
    dir: vars/settings
    extensions: [yml, yaml]
    name: settings
`,
  returns: {
    ansible_included_var_files: { type: 'list', returned: 'success', description: 'The files that were loaded.' },
    ansible_facts: { type: 'dict', returned: 'success', description: 'The loaded variables.' },
  },
  controllerOnly: true,
  includesVars: true,
  freeForm: 'file',
  schema: {
    description: 'Loads variables from a YAML or JSON file, or every file of a directory, during the play.',
    type: 'object',
    properties: {
      file: { type: 'string', description: "The vars file to load (relative to the role's vars/ or the playbook)." },
      dir: { type: 'string', description: 'The directory whose files are all loaded, in name order.' },
      name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'The variable that receives the loaded variables as one mapping, instead of top-level variables.' },
      depth: { type: 'integer', minimum: 0, default: 0, description: 'How deep to descend into dir (0 for no limit).' },
      files_matching: { type: 'string', description: 'Only files of dir whose names match this regular expression are loaded.' },
      ignore_files: { type: ['string', 'array'], items: { type: 'string' }, description: 'File names of dir (regular expressions) that are not loaded.' },
      extensions: { type: 'array', items: { type: 'string' }, default: EXTENSIONS, description: 'The file extensions loaded from dir.' },
      ignore_unknown_extensions: { type: 'boolean', default: false, description: 'Whether files of dir with other extensions are skipped rather than an error.' },
      hash_behaviour: { type: 'string', enum: ['replace', 'merge'], description: 'Whether mappings replace (replace) or are merged into (merge) variables already loaded.' },
    },
    additionalProperties: false,
  },

  async read(ctx, args) {
    const dirArgs = DIR_ONLY.filter((key) => args[key] !== undefined && !(key in DEFAULTS && JSON.stringify(args[key]) === JSON.stringify(DEFAULTS[key])));
    if (args.file !== undefined && dirArgs.length > 0) throw new ModuleFailure('You are mixing file only and dir only arguments, these are incompatible');
    if (args.file === undefined && args.dir === undefined) throw new ModuleFailure("one of 'file' (or a file name as free-form text) or 'dir' is required");
    try {
      return args.dir !== undefined ? loadDirectory(ctx, args) : loadFile(ctx, args.file!.replace(/\n+$/, ''));
    } catch (error) {
      if (error instanceof VarsFileError) return { vars: {}, files: [], error: error.message };
      throw error;
    }
  },

  plan(args, loaded, ctx) {
    let vars = loaded.vars;
    if (args.name !== undefined) vars = { [args.name]: vars };
    else if (args.hash_behaviour === 'merge' && !loaded.error) {
      vars = Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, mergeHashes(ctx.vars[key], value)]));
    }
    const result: ModuleResult = { ansible_facts: vars, ansible_included_var_files: loaded.files };
    if (loaded.error) Object.assign(result, { failed: true, message: loaded.error });
    return { changed: false, result };
  },
});
