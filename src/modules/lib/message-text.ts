/**
 * ModuleResult.msg is text: a message given as a list or mapping (Ansible allows both) is shown as JSON.
 */
export function messageText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
