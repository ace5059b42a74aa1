import { decryptAes256, encryptAes256, VaultHmacError } from './aes256.js';
import { formatEnvelope, parseEnvelope, VaultFormatError } from './envelope.js';

/** One vault password with its vault-id label ('default' when none was given). */
export interface VaultSecret {
  label: string;
  password: Buffer;
}

/** A vault problem that stops the run before any host is contacted (ansible-playbook exits 1 for these). */
export class VaultError extends Error {
  /** 1 as ansible-playbook exits for vault errors; 4 when the file was part of the inventory (group_vars, host_vars). */
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'VaultError';
  }
}

export const NO_SECRETS = 'Attempting to decrypt but no vault secrets found';

/** The vault passwords of a run, tried as Ansible tries them: the payload's own label first, then all the others. */
export class VaultKeyring {
  constructor(readonly secrets: readonly VaultSecret[]) {}

  get empty(): boolean {
    return this.secrets.length === 0;
  }

  /** The plaintext of a vault payload; `source` names it in errors (a file, or a file and line). */
  decrypt(text: string, source: string): Buffer {
    if (this.empty) throw new VaultError(`${NO_SECRETS} (${source})`);
    let envelope;
    try {
      envelope = parseEnvelope(text);
    } catch (error) {
      if (error instanceof VaultFormatError) throw new VaultError(`${error.message} in ${source}`);
      throw error;
    }
    const ordered = [...this.secrets].sort((a, b) => Number(b.label === envelope.label) - Number(a.label === envelope.label));
    for (const secret of ordered) {
      try {
        return decryptAes256(envelope, secret.password);
      } catch (error) {
        if (!(error instanceof VaultHmacError)) throw error;
      }
    }
    throw new VaultError(`Decryption failed (no vault secrets were found that could decrypt) on ${source}: HMAC verification failed: wrong vault password?`);
  }

  /** Which secret encrypts: the one with this label, or the first. */
  encryptingSecret(label?: string): VaultSecret {
    if (this.empty) throw new VaultError('A vault password is required to encrypt (use --ask-vault-pass, --vault-password-file or --vault-id)');
    if (label === undefined) return this.secrets[0];
    const secret = this.secrets.find((candidate) => candidate.label === label);
    if (!secret) throw new VaultError(`Did not find a match for --encrypt-vault-id=${label} in the known vault-ids [${this.secrets.map((s) => s.label).join(', ')}]`);
    return secret;
  }
}

export function encryptText(plaintext: Buffer, secret: VaultSecret): string {
  return formatEnvelope({ ...encryptAes256(plaintext, secret.password), label: secret.label });
}
