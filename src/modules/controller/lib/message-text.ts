/** A failure message is text: one given as a list (Ansible allows it) is shown as JSON. */
export function messageText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
