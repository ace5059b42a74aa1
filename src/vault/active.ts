import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isVaultText } from './envelope.js';
import { VaultError, VaultKeyring } from './keyring.js';

/**
 * The run's vault: set once by the command line, read by every place that loads files or YAML (vars files,
 * inventories, -e @file, copy/template sources, `!vault` values). Decrypted values are handed to `onPlaintext`
 * so that all output masks them.
 */
let keyring = new VaultKeyring([]);
let onPlaintext: (plaintext: string) => void = () => {};

export function useVault(active: VaultKeyring, remember: (plaintext: string) => void): void {
  keyring = active;
  onPlaintext = remember;
}

export function activeKeyring(): VaultKeyring {
  return keyring;
}

/** Decrypts a vault payload with the run's passwords and marks the result secret. */
export function decryptSecret(text: string, source: string): string {
  return decryptSecretBytes(text, source).toString('utf8');
}

function decryptSecretBytes(text: string, source: string): Buffer {
  const plaintext = keyring.decrypt(text, source);
  const asText = plaintext.toString('utf8');
  onPlaintext(asText);
  for (const value of leafValues(asText)) onPlaintext(value);
  return plaintext;
}

/** The values inside a decrypted YAML/JSON vars file: each one is a secret on its own, wherever it shows up later. */
function leafValues(text: string): string[] {
  let data: unknown;
  try {
    data = parse(text, { version: '1.1' });
  } catch {
    return [];
  }
  const values: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string' || typeof value === 'number') values.push(String(value));
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  if (data && typeof data === 'object') visit(data);
  return values;
}

/** File content as Ansible's loader sees it: decrypted when the file is vault-encrypted. */
export function readFileDecrypted(path: string): Buffer {
  const content = readFileSync(path);
  if (!isVaultText(content)) return content;
  return decryptSecretBytes(content.toString('utf8'), path);
}

/**
 * A controller file a module sends to the host (copy, template, script, unarchive and assemble sources), decrypted:
 * with no vault password at all, Ansible names the file rather than saying that no secrets were found.
 */
export function readSourceDecrypted(path: string): Buffer {
  const content = readFileSync(path);
  if (!isVaultText(content)) return content;
  if (keyring.empty) throw new VaultError(`A vault password or secret must be specified to decrypt ${path}`);
  return decryptSecretBytes(content.toString('utf8'), path);
}

export function readTextDecrypted(path: string): string {
  return readFileDecrypted(path).toString('utf8');
}

export function decryptedText(text: string, source: string): string {
  return isVaultText(text) ? decryptSecret(text, source) : text;
}
