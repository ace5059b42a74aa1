import { allowTemplates } from './templated.js';

type Schema = Record<string, unknown>;

const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** The connection and behaviour variables Ansible reads from the inventory and vars files, with their types. */
const KNOWN_VARIABLES: Record<string, Schema> = {
  ansible_host: { type: 'string', description: 'The address to connect to, if not the inventory name.' },
  ansible_port: { type: 'integer', minimum: 1, maximum: 65535, description: 'The SSH port (default 22).' },
  ansible_user: { type: 'string', description: 'The user to log in as.' },
  ansible_password: { type: 'string', description: 'The SSH password (keep it in a vault).' },
  ansible_ssh_private_key_file: { type: 'string', description: 'The private key file to log in with.' },
  ansible_connection: { enum: ['ssh', 'local', 'paramiko', 'smart'], description: 'How to reach the host: ssh, or local for the controller itself.' },
  ansible_become: { type: 'boolean', description: 'Run tasks with privilege escalation.' },
  ansible_become_user: { type: 'string', description: 'The user to become (default root).' },
  ansible_become_method: { enum: ['sudo', 'su'], description: 'How to become that user.' },
  ansible_become_password: { type: 'string', description: 'The password for become (keep it in a vault).' },
  ansible_python_interpreter: { type: 'string', description: 'The Python that runs Ansible modules on the host.' },
  ansible_group_priority: { type: 'integer', description: 'Among groups of one depth, a higher priority merges later and wins.' },
  betif_jump_host: { type: 'string', description: 'The inventory name of the host this one is reached through.' },
};

/** A group_vars/ or host_vars/ file, or the vars of a group or host: any variables, the known ones typed. */
export function varsSchema(): Schema {
  return { $schema: DRAFT, $id: 'betif-play/vars.json', title: 'betif-play variables', ...varsObject() };
}

function varsObject(): Schema {
  return { type: ['object', 'null'], properties: (allowTemplates({ properties: KNOWN_VARIABLES }) as { properties: Schema }).properties };
}

/** Ansible's YAML inventory: groups with hosts, vars and children, nested to any depth. */
export function inventorySchema(): Schema {
  const vars = varsObject();
  const group = {
    type: ['object', 'null'],
    properties: {
      hosts: { type: ['object', 'null'], additionalProperties: vars, description: 'The group\'s hosts (ranges like web[01:20] allowed), each with its variables.' },
      vars: { ...vars, description: 'Variables of every host in the group.' },
      children: { type: ['object', 'null'], additionalProperties: { $ref: '#/definitions/group' }, description: 'Groups inside this one.' },
    },
    additionalProperties: false,
  };
  return { $schema: DRAFT, $id: 'betif-play/inventory.json', title: 'betif-play YAML inventory', definitions: { group }, type: 'object', additionalProperties: { $ref: '#/definitions/group' } };
}
