import type { AnsibleConfig } from '../config/load.js';
import type { Secrets } from '../runner/secrets.js';
import { useVault } from '../vault/active.js';
import { VaultKeyring } from '../vault/keyring.js';
import { loadVaultSecrets } from '../vault/passwords.js';
import type { CliOptions } from './program.js';
import { promptHidden } from './prompt.js';
import type { Passwords } from './run-options.js';

/** The vault password sources of ansible-playbook: vault_identity_list, --vault-id, --vault-password-file, vault_password_file, -J. */
export function vaultSources(options: Pick<CliOptions, 'vaultId' | 'vaultPasswordFile' | 'askVaultPass'>, config: AnsibleConfig) {
  const { vaultIdentityList, vaultPasswordFile } = config.values;
  return {
    vaultIds: [...vaultIdentityList, ...options.vaultId],
    passwordFiles: [...options.vaultPasswordFile, ...(vaultPasswordFile ? [vaultPasswordFile] : [])],
    askVaultPass: options.askVaultPass,
    prompt: promptHidden,
  };
}

/** Reads the vault passwords and makes them the run's vault; every decrypted value becomes a masked secret. */
export async function setUpVault(options: CliOptions, config: AnsibleConfig, secrets: Secrets): Promise<void> {
  const vaultSecrets = await loadVaultSecrets(vaultSources(options, config));
  useVault(new VaultKeyring(vaultSecrets), (plaintext) => secrets.add(plaintext));
}

/** -k and -K (or ask_pass / become_ask_pass): asked once, before any host is contacted; masked everywhere. */
export async function askPasswords(options: CliOptions, config: AnsibleConfig, secrets: Secrets): Promise<Passwords> {
  const passwords: Passwords = {};
  if (options.askPass || config.values.askPass) passwords.connection = await promptHidden('SSH password: ');
  if (options.askBecomePass || config.values.becomeAskPass) {
    const answer = await promptHidden(passwords.connection === undefined ? 'BECOME password: ' : 'BECOME password[defaults to SSH password]: ');
    passwords.become = answer === '' ? passwords.connection : answer;
  }
  secrets.add([passwords.connection, passwords.become]);
  return passwords;
}
