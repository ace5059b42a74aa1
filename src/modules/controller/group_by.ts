import { defineModule, ModuleFailure } from '../contract.js';

interface GroupByArgs {
  key: string;
  parents?: string | string[];
}

/** As Ansible's action: spaces in group names become dashes. */
function groupName(written: string): string {
  return written.replaceAll(' ', '-');
}

export default defineModule<GroupByArgs, void>({
  name: 'group_by',
  examples: `
- name: Put each host in a group named after its distribution
  ansible.builtin.group_by:
    key: os_{{ ansible_facts['distribution'] }}

- name: Group GPU workers under the kubernetes group
  ansible.builtin.group_by:
    key: gpu_{{ gpu_model | default('none') }}
    parents: [kubernetes]
`,
  returns: {
    add_group: { type: 'str', returned: 'always', description: 'The group the host was put in.' },
    parent_groups: { type: 'list', returned: 'always', description: 'The groups the group was made a child of.' },
  },
  controllerOnly: true,
  schema: {
    description: "Puts each host in a group named by a template (made if new), for the rest of the run; a group_by runs in check mode too.",
    type: 'object',
    properties: {
      key: { type: 'string', minLength: 1, description: 'The name of the group, usually templated from facts or variables (spaces become dashes).' },
      parents: { type: ['string', 'array'], items: { type: 'string' }, default: ['all'], description: 'The groups the new group is a child of (made if new).' },
    },
    required: ['key'],
    additionalProperties: false,
  },

  async read() {},

  plan(args, _state, ctx) {
    const group = groupName(args.key);
    const parents = (typeof args.parents === 'string' ? [args.parents] : (args.parents ?? ['all'])).map(groupName);
    if (!ctx.addToGroup) throw new ModuleFailure('group_by needs a playbook run');
    try {
      const changed = ctx.addToGroup(group, parents);
      return { changed, result: { add_group: group, parent_groups: parents } };
    } catch (error) {
      throw new ModuleFailure(error instanceof Error ? error.message : String(error));
    }
  },
});
