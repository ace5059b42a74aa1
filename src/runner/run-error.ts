/** An error that ends the whole run where it happens, as an AnsibleError raised by Ansible's strategy does (exit 1, no recap). */
export class RunError extends Error {}
