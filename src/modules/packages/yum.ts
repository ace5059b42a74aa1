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
  schema: {
    type: 'object',
    properties: withAliases(
      {
        name: LIST,
        state: { enum: ['present', 'installed', 'latest', 'absent', 'removed'] },
        enablerepo: LIST,
        disablerepo: LIST,
        conf_file: { type: 'string', minLength: 1 },
        disable_gpg_check: { type: 'boolean' },
        update_cache: { type: 'boolean' },
        installroot: { type: 'string', minLength: 1 },
        security: { type: 'boolean' },
        releasever: { type: 'string', minLength: 1 },
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
