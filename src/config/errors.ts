/** A configuration problem (a bad value, an unreadable file): one message naming the file and line; exit 5 as Ansible. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
