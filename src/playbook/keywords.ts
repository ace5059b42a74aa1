/** JSON Schemas of the keywords betif-play understands; anything else is an error with a suggestion. */
import { LOOKUP_NAMES } from '../template/lookups.js';
import { VARIABLE_NAME_SCHEMA } from './variable-name.js';

const stringOrList = { type: ['string', 'array'], items: { type: 'string' } };
const condition = { type: ['string', 'boolean', 'array'] };
const boolish = { type: ['boolean', 'string'] };
/** `vars`: a mapping, or a list of mappings (merged in order). */
const varsShape = { type: ['object', 'array', 'null'], items: { type: ['object', 'null'] } };
const mappingOrTemplate = { type: ['object', 'string'] };

/** Keywords shared by plays, blocks and tasks. */
const common = {
  name: { type: 'string' },
  tags: { type: ['string', 'array', 'number'] },
  when: condition,
  vars: varsShape,
  become: boolish,
  become_user: { type: 'string' },
  become_method: { type: 'string', enum: ['sudo', 'su'] },
  environment: mappingOrTemplate,
  ignore_errors: boolish,
  ignore_unreachable: boolish,
  no_log: boolish,
  check_mode: boolish,
  diff: boolish,
  delegate_to: { type: 'string' },
  run_once: boolish,
  any_errors_fatal: boolish,
  remote_user: { type: 'string' },
  connection: { type: 'string' },
  throttle: { type: ['integer', 'string'] },
  port: { type: ['integer', 'string'] },
  timeout: { type: ['integer', 'string', 'null'] },
  module_defaults: { type: ['object', 'array', 'null'], items: { type: 'object' }, additionalProperties: { type: ['object', 'null'] } },
  collections: { type: ['array', 'string', 'null'], items: { type: 'string' } },
  debugger: { enum: ['always', 'never', 'on_failed', 'on_unreachable', 'on_skipped', null] },
};

/** With delegate_to: the facts the task returns are the delegate's, not its host's. */
const delegateFacts = { delegate_facts: boolish };

export const TASK_KEYWORDS: Record<string, object> = {
  ...common,
  ...delegateFacts,
  args: mappingOrTemplate,
  register: VARIABLE_NAME_SCHEMA,
  notify: stringOrList,
  listen: stringOrList,
  changed_when: condition,
  failed_when: condition,
  until: condition,
  async: { type: ['integer', 'string'] },
  poll: { type: ['integer', 'string'] },
  retries: { type: ['integer', 'string'] },
  delay: { type: ['number', 'string'] },
  loop: { type: ['array', 'string'] },
  loop_control: {
    type: 'object',
    additionalProperties: false,
    properties: {
      loop_var: { type: 'string' },
      index_var: { type: 'string' },
      label: { type: 'string' },
      pause: { type: ['number', 'string'] },
      extended: boolish,
      extended_allitems: boolish,
    },
  },
  // `with_<lookup>` for every lookup plugin: the lookup's terms, any shape.
  ...Object.fromEntries(LOOKUP_NAMES.map((name) => [`with_${name}`, {}])),
  action: { type: ['string', 'object'] },
  local_action: { type: ['string', 'object'] },
};

export const BLOCK_KEYWORDS: Record<string, object> = {
  ...common,
  ...delegateFacts,
  // As ansible-core 2.14's, a block notifies for its tasks that have no notify of their own.
  notify: stringOrList,
  block: { type: 'array' },
  rescue: { type: 'array' },
  always: { type: 'array' },
};

export const PLAY_KEYWORDS: Record<string, object> = {
  ...common,
  hosts: { type: ['string', 'array'] },
  gather_facts: boolish,
  gather_subset: { type: ['string', 'array'], items: { type: 'string' } },
  gather_timeout: { type: ['integer', 'string'] },
  fact_path: { type: 'string' },
  vars_files: { type: ['string', 'array'], items: { type: ['string', 'array'], items: { type: 'string' } } },
  roles: { type: 'array' },
  pre_tasks: { type: ['array', 'null'] },
  tasks: { type: ['array', 'null'] },
  post_tasks: { type: ['array', 'null'] },
  handlers: { type: ['array', 'null'] },
  serial: { type: ['integer', 'string', 'array'] },
  max_fail_percentage: { type: ['number', 'string'] },
  force_handlers: boolish,
  strategy: { type: 'string', enum: ['linear', 'free', 'host_pinned'] },
  order: { type: 'string', enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] },
  vars_prompt: {
    type: ['array', 'null'],
    items: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        prompt: { type: 'string' },
        default: {},
        private: boolish,
        confirm: boolish,
      },
    },
  },
};

/** Task keywords that name control flow rather than a module. */
export const INCLUDE_ACTIONS = new Set([
  'include_tasks', 'import_tasks', 'include_role', 'import_role', 'meta', 'include',
  'ansible.builtin.include_tasks', 'ansible.builtin.import_tasks', 'ansible.builtin.include_role',
  'ansible.builtin.import_role', 'ansible.builtin.meta', 'ansible.builtin.include',
]);

export const META_ACTIONS = new Set(['flush_handlers', 'noop', 'end_play', 'end_host', 'end_batch', 'clear_facts', 'clear_host_errors', 'refresh_inventory', 'reset_connection']);

/** The keyword tables a playbook is checked against, by the name of their validator (keyword-validators.ts). */
export const KEYWORD_TABLES = { play: PLAY_KEYWORDS, block: BLOCK_KEYWORDS, task: TASK_KEYWORDS };

export function keywordSchema(keywords: Record<string, object>): object {
  return { type: 'object', properties: keywords };
}
