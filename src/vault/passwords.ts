import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { VaultError, type VaultSecret } from './keyring.js';

/** Where the vault passwords come from, as ansible-playbook and ansible-vault accept them. */
export interface VaultPasswordSources {
  /** `--vault-id [label@]source`, source a file, an executable, or `prompt`. */
  vaultIds: readonly string[];
  /** `--vault-password-file` (and ANSIBLE_VAULT_PASSWORD_FILE / vault_password_file), label 'default'. */
  passwordFiles: readonly string[];
  askVaultPass: boolean;
  /** Reads one password from the terminal with echo off. */
  prompt: (question: string) => Promise<string>;
}

function splitVaultId(spec: string): { label: string; source: string } {
  const at = spec.indexOf('@');
  return at < 0 ? { label: 'default', source: spec } : { label: spec.slice(0, at) || 'default', source: spec.slice(at + 1) };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A password file's text, or an executable's stdout (vault-id client scripts are told the label, as in Ansible). */
function passwordFromFile(path: string, label: string): string {
  try {
    statSync(path);
  } catch {
    throw new VaultError(`The vault password file ${path} was not found`);
  }
  let text: string;
  if (isExecutable(path)) {
    const clientArgs = /-client(?:\.[^.]*)?$/.test(basename(path)) ? ['--vault-id', label] : [];
    try {
      text = execFileSync(path, clientArgs, { encoding: 'utf8', stdio: ['inherit', 'pipe', 'pipe'] });
    } catch (error) {
      const failure = error as { status?: number; stderr?: string };
      throw new VaultError(`Vault password script ${path} returned non-zero (${failure.status ?? '?'}): ${String(failure.stderr ?? '').trim()}`);
    }
  } else {
    text = readFileSync(path, 'utf8');
  }
  const password = text.trim();
  if (password === '') throw new VaultError(`Invalid vault password was provided from file (${path})`);
  return password;
}

/** Every vault password of the run, in Ansible's order: --vault-id entries, password files, then the prompt. */
export async function loadVaultSecrets(sources: VaultPasswordSources): Promise<VaultSecret[]> {
  const specs = [...sources.vaultIds.map(splitVaultId), ...sources.passwordFiles.map((source) => ({ label: 'default', source }))];
  if (sources.askVaultPass) specs.push({ label: 'default', source: 'prompt' });
  const secrets: VaultSecret[] = [];
  for (const { label, source } of specs) {
    const password =
      source === 'prompt' ? await sources.prompt(label === 'default' ? 'Vault password: ' : `Vault password (${label}): `) : passwordFromFile(source, label);
    if (password === '') throw new VaultError('Invalid vault password was provided from prompt');
    secrets.push({ label, password: Buffer.from(password, 'utf8') });
  }
  return secrets;
}
