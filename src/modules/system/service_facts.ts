import { shellScript } from '../../connection/quote.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { parseServiceListing, SERVICES_SCRIPT, type ServiceListing } from './lib/service-listing.js';

const NOTHING_FOUND = 'Failed to find any services. This can be due to privileges or some other configuration issue.';

/** Ansible's service_facts: ansible_facts.services from systemd and sysv, read with one command. */
export default defineModule<Record<string, never>, ServiceListing>({
  name: 'service_facts',
  examples: `
- name: Read the services
  ansible.builtin.service_facts:

- name: Say whether nfs-server runs
  ansible.builtin.debug:
    msg: "{{ ansible_facts.services['nfs-server.service'].state | default('not installed') }}"
`,
  returns: {
    services: { type: 'dict', returned: 'always', description: 'Every service by name, each with name, state (running, stopped ...), status (enabled, disabled, static ...) and source (systemd or sysv); also as ansible_facts.services.' },
  },
  readOnly: true,
  schema: { type: 'object', additionalProperties: false, properties: {}, description: 'Returns service state information as fact data.' },
  read: async (ctx) => {
    // systemctl and service print what they print for the C locale, as under Ansible.
    const result = await ctx.connection.exec(shellScript(SERVICES_SCRIPT), { env: { LANG: 'C', LC_ALL: 'C' } });
    if (!result.stdout.includes('@@betif-services end')) throw new ModuleFailure(`listing services failed (rc=${result.rc}): ${result.stderr.trim()}`);
    return parseServiceListing(result.stdout);
  },
  plan: (_args, listing) => {
    const warnings = listing.warnings.length > 0 ? { warnings: listing.warnings } : {};
    if (Object.keys(listing.services).length === 0) return { changed: false, skip: NOTHING_FOUND, result: { msg: NOTHING_FOUND, ...warnings } };
    return { changed: false, result: { ansible_facts: { services: listing.services }, ...warnings } };
  },
});
