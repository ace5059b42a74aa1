import { defineModule, ModuleFailure } from '../contract.js';
import { foldAliases, withAliases, type Aliases } from '../shared/arg-schema.js';
import { hasWork, planActions, type DnfActions } from './lib/dnf-actions.js';
import type { TransactionStep } from './lib/dnf-output.js';
import { observe, type Observed } from './lib/dnf-read.js';
import { CHECK_MODE_MSG, NOTHING_DONE, transactionDiff, transactionResult } from './lib/dnf-report.js';
import type { DnfRequest } from './lib/dnf-request.js';
import { parseSpec } from './lib/dnf-spec.js';
import { applyActions, previewActions } from './lib/dnf-transaction.js';

type ListArg = string | string[];

interface DnfArgs {
  name?: ListArg;
  state: 'present' | 'installed' | 'latest' | 'absent' | 'removed';
  enablerepo?: ListArg;
  disablerepo?: ListArg;
  security: boolean;
  update_cache: boolean;
  disable_gpg_check: boolean;
  installroot: string;
  releasever?: string;
  conf_file?: string;
  setopt?: Record<string, string | number | boolean>;
}

interface DnfState {
  request: DnfRequest;
  observed: Observed;
  actions: DnfActions;
  /** The resolved transaction, when it is needed for --check or --diff. */
  preview?: TransactionStep[];
}

const ALIASES: Aliases = { name: ['pkg'] };
const LIST = { type: ['string', 'array'], items: { type: 'string', minLength: 1 } };

/** Ansible's list arguments: a list, or one string of comma-separated items. */
function list(value: ListArg | undefined): string[] {
  const items = value === undefined ? [] : Array.isArray(value) ? value : value.split(',');
  return items.map((item) => item.trim()).filter(Boolean);
}

function toRequest(args: DnfArgs): DnfRequest {
  if (args.name === undefined && !args.update_cache) throw new ModuleFailure('one of the following is required: name, update_cache');
  const specs = list(args.name).map(parseSpec);
  const state = args.state === 'installed' ? 'present' : args.state === 'removed' ? 'absent' : args.state;
  if (state !== 'latest' && specs.some((spec) => spec.kind === 'all')) throw new ModuleFailure(`name '*' is only supported with state=latest`);
  return {
    specs,
    state,
    security: args.security,
    updateCache: args.update_cache,
    setup: {
      installroot: args.installroot,
      releasever: args.releasever,
      conf_file: args.conf_file,
      setopt: args.setopt ?? {},
      enablerepo: list(args.enablerepo),
      disablerepo: list(args.disablerepo),
      disable_gpg_check: args.disable_gpg_check,
    },
  };
}

export default defineModule<DnfArgs, DnfState>({
  name: 'dnf',
  examples: `
- name: Install the development tools group and a package
  betif.platform.dnf:
    name: ['@development', git]

- name: Apply security updates
  betif.platform.dnf:
    name: '*'
    state: latest
    security: true
`,
  returns: {
    msg: { type: 'str', returned: 'always', description: 'What was done.' },
    rc: { type: 'int', returned: 'always', description: "dnf's exit code." },
    results: { type: 'list', returned: 'success', description: 'The packages installed, upgraded or removed.' },
  },
  namespace: 'betif.platform',
  aliases: ['ansible.builtin.dnf'],
  schema: {
    description: 'Installs, upgrades and removes RPM packages, groups and module streams with dnf.',
    type: 'object',
    properties: withAliases(
      {
        name: { ...LIST, description: 'Packages, @groups or @module:stream specs (one, a list, or comma-separated); pkg is an alias.' },
        state: { enum: ['present', 'installed', 'latest', 'absent', 'removed'], default: 'present', description: 'Whether the packages are installed (present), at the newest version (latest) or removed (absent).' },
        enablerepo: { ...LIST, description: 'Repositories to enable for this transaction.' },
        disablerepo: { ...LIST, description: 'Repositories to disable for this transaction.' },
        security: { type: 'boolean', default: false, description: 'Whether only security updates are installed with state=latest.' },
        update_cache: { type: 'boolean', default: false, description: 'Whether the repository metadata is refreshed first.' },
        disable_gpg_check: { type: 'boolean', default: false, description: 'Whether package signatures are not checked.' },
        installroot: { type: 'string', minLength: 1, default: '/', description: 'The root directory packages are installed under.' },
        releasever: { type: 'string', minLength: 1, description: 'The release version dnf uses for repository URLs.' },
        conf_file: { type: 'string', minLength: 1, description: 'The dnf configuration file to use.' },
        setopt: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] }, description: 'dnf configuration options for this transaction (--setopt key=value).' },
      },
      ALIASES,
    ),
    additionalProperties: false,
  },

  async read(ctx, args) {
    const request = toRequest(foldAliases<DnfArgs>(args as unknown as Record<string, unknown>, ALIASES));
    const observed = await observe(ctx.connection, request);
    const actions = planActions(request, observed);
    const preview = hasWork(actions) && (ctx.check || ctx.diff) ? await previewActions(ctx.connection, request, actions) : undefined;
    return { request, observed, actions, preview };
  },

  plan(_args, { request, observed, actions, preview }, ctx) {
    // A spec rpm does not know by that name (a provide, a glob) resolves to nothing when it is already there.
    const changed = hasWork(actions) && (preview === undefined || preview.length > 0 || actions.changes.length > 0);
    if (!changed) return { changed: false, result: { msg: request.specs.length ? 'Nothing to do' : 'Cache updated', rc: 0, ...NOTHING_DONE } };
    return {
      changed: true,
      diff: preview ? [transactionDiff(preview, actions.changes, observed.installed)] : [],
      result: { msg: CHECK_MODE_MSG, rc: 0, ...(preview ? transactionResult(preview, actions.changes) : NOTHING_DONE) },
      apply: () => applyActions(ctx.connection, request, actions),
    };
  },
});
