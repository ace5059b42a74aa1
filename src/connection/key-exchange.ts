import type { KexAlgorithm } from 'ssh2';

/**
 * The key exchanges offered, best first. ECDH over P-256 leads: OpenSSH's sshd computes it with OpenSSL's optimised
 * code, while its curve25519 is the portable reference code (3 to 4 ms more of the host's CPU per login, measured on
 * the lab: it adds up over hundreds of hosts). Both are secure; curve25519 follows for hosts that refuse NIST curves.
 */
export const PREFERRED_KEX: readonly KexAlgorithm[] = [
  'ecdh-sha2-nistp256',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
];

/** An OpenSSH algorithm pattern (`*` and `?` wildcards) as a test of one name. */
function matcher(pattern: string): (name: string) => boolean {
  const expression = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (name) => expression.test(name);
}

/**
 * ssh's `-o KexAlgorithms=` (ansible_ssh_common_args, ssh_args ...): a list replaces the default; `+list` appends to
 * it, `-list` removes from it (wildcards allowed) and `^list` puts first, as OpenSSH reads it.
 */
export function kexAlgorithms(option: string): KexAlgorithm[] {
  const operation = option.charAt(0);
  const names = (/^[+\-^]/.test(option) ? option.slice(1) : option).split(',').map((name) => name.trim()).filter(Boolean) as KexAlgorithm[];
  switch (operation) {
    case '+':
      return [...PREFERRED_KEX, ...names.filter((name) => !PREFERRED_KEX.includes(name))];
    case '-': {
      const removed = names.map(matcher);
      return PREFERRED_KEX.filter((name) => !removed.some((test) => test(name)));
    }
    case '^':
      return [...names, ...PREFERRED_KEX.filter((name) => !names.includes(name))];
    default:
      return names;
  }
}
