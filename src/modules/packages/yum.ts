import { defineModule } from '../contract.js';
import { foldAliases, withAliases, type Aliases } from '../shared/arg-schema.js';
import dnf from './dnf.js';
import { planAs, readAs, type Delegated } from './lib/delegate.js';

type ListArg = string | string[];

interface YumArgs {
  name?: ListArg;
  state?: 'present' | 'installed' | 'latest' | 'absent' | 'removed';
  enablerepo?: ListArg;
  disablerepo?: ListArg;
  conf_file?: string;
  disable_gpg_check?: boolean;
  update_cache?: boolean;
  installroot?: string;
  security?: boolean;
  releasever?: string;
}

const ALIASES: Aliases = { name: ['pkg'], update_cache: ['expire-cache'] };
const LIST = { type: ['string', 'array'], items: { type: 'string', minLength: 1 } };

/**
 * ansible.builtin.yum: on the hosts this project manages yum is dnf (as Ansible's yum action picks
 * the dnf backend there), so yum's arguments are handed to the dnf module.
 */
export default defineModule<YumArgs, Delegated>({
  name: 'yum',
  examples: `
- name: Install httpd
  ansible.builtin.yum:
    name: httpd
    state: present
`,
  returns: {
    msg: { type: 'str', returned: 'always', description: 'What was done.' },
    rc: { type: 'int', returned: 'always', description: "The package manager's exit code." },
    results: { type: 'list', returned: 'success', description: 'The packages installed, upgraded or removed.' },
  },
  schema: {
    description: "Installs, upgrades and removes RPM packages (yum's arguments, carried out by dnf).",
    type: 'object',
    properties: withAliases(
      {
        name: { ...LIST, description: 'Packages or @groups (one, a list, or comma-separated); pkg is an alias.' },
        state: { enum: ['present', 'installed', 'latest', 'absent', 'removed'], description: 'Whether the packages are installed (present), at the newest version (latest) or removed (absent).' },
        enablerepo: { ...LIST, description: 'Repositories to enable for this transaction.' },
        disablerepo: { ...LIST, description: 'Repositories to disable for this transaction.' },
        conf_file: { type: 'string', minLength: 1, description: 'The configuration file to use.' },
        disable_gpg_check: { type: 'boolean', description: 'Whether package signatures are not checked.' },
        update_cache: { type: 'boolean', description: 'Whether the repository metadata is refreshed first; expire-cache is an alias.' },
        installroot: { type: 'string', minLength: 1, description: 'The root directory packages are installed under.' },
        security: { type: 'boolean', description: 'Whether only security updates are installed with state=latest.' },
        releasever: { type: 'string', minLength: 1, description: 'The release version used for repository URLs.' },
      },
      ALIASES,
    ),
    additionalProperties: false,
  },

  read(ctx, args) {
    const folded = foldAliases<Record<string, unknown>>(args as unknown as Record<string, unknown>, ALIASES);
    const forwarded = Object.fromEntries(Object.entries(folded).filter(([, value]) => value !== undefined));
    return readAs(dnf, forwarded, ctx);
  },

  plan: (_args, delegated, ctx) => planAs(delegated, ctx),
});
