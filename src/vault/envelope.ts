/** The text layout of an Ansible Vault payload: a header line, then the hexlified body in 80-column lines. */

export const VAULT_HEADER = '$ANSIBLE_VAULT';
const LINE_WIDTH = 80;

export interface VaultEnvelope {
  version: '1.1' | '1.2';
  cipher: string;
  /** Only in 1.2 envelopes. */
  label?: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

export class VaultFormatError extends Error {}

/** True when the text is (or starts with) an Ansible Vault payload. */
export function isVaultText(text: string | Buffer): boolean {
  const head = typeof text === 'string' ? text.trimStart().slice(0, VAULT_HEADER.length) : text.subarray(0, 64).toString('utf8').trimStart().slice(0, VAULT_HEADER.length);
  return head === VAULT_HEADER;
}

function unhex(text: string, what: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) throw new VaultFormatError(`Vault format unhexlify error: the ${what} is not hexadecimal`);
  return Buffer.from(text, 'hex');
}

export function parseEnvelope(text: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/).map((line) => line.trim());
  const header = lines[0].split(';').map((field) => field.trim());
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultFormatError('Vault format error: no $ANSIBLE_VAULT header');
  const [, version, cipher, label] = header;
  if (version !== '1.1' && version !== '1.2') throw new VaultFormatError(`Vault format error: unsupported version ${version}`);
  if (cipher !== 'AES256') throw new VaultFormatError(`Vault format error: unsupported cipher ${cipher}`);
  const body = unhex(lines.slice(1).join(''), 'vault body').toString('latin1');
  const parts = body.split('\n');
  if (parts.length !== 3) throw new VaultFormatError('Vault format error: the body does not have salt, HMAC and ciphertext');
  return {
    version,
    cipher,
    ...(version === '1.2' && label ? { label } : {}),
    salt: unhex(parts[0], 'salt'),
    hmac: unhex(parts[1], 'HMAC'),
    ciphertext: unhex(parts[2], 'ciphertext'),
  };
}

/** The envelope as ansible-vault writes it (1.2 with the label unless it is 'default'), ending with a newline. */
export function formatEnvelope(envelope: Omit<VaultEnvelope, 'version'>): string {
  const labelled = envelope.label !== undefined && envelope.label !== 'default';
  const header = labelled ? `${VAULT_HEADER};1.2;${envelope.cipher};${envelope.label}` : `${VAULT_HEADER};1.1;${envelope.cipher}`;
  const inner = [envelope.salt, envelope.hmac, envelope.ciphertext].map((part) => part.toString('hex')).join('\n');
  const body = Buffer.from(inner, 'latin1').toString('hex');
  const lines = [header];
  for (let start = 0; start < body.length; start += LINE_WIDTH) lines.push(body.slice(start, start + LINE_WIDTH));
  return `${lines.join('\n')}\n`;
}
