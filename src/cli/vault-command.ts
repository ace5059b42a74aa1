import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { isVaultText, parseEnvelope } from '../vault/envelope.js';
import { encryptText, VaultError, VaultKeyring, type VaultSecret } from '../vault/keyring.js';
import { loadVaultSecrets } from '../vault/passwords.js';
import { shlexSplit } from '../python/shlex.js';
import { PromptError, promptHidden } from './prompt.js';
import { vaultSources } from './secrets-setup.js';

interface VaultOptions {
  vaultId: string[];
  vaultPasswordFile: string[];
  askVaultPass: boolean;
  encryptVaultId?: string;
  newVaultId?: string;
  newVaultPasswordFile?: string;
  output?: string;
  name: string[];
  stdinName?: string;
  prompt: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const STDIO = '-';

/** Reads the passwords; a command that encrypts asks for a new one (twice) when none was given, as ansible-vault does. */
async function keyring(options: VaultOptions, forEncryption: boolean): Promise<VaultKeyring> {
  const config = loadConfig();
  const sources = vaultSources(options, config);
  const secrets = await loadVaultSecrets(sources);
  if (secrets.length > 0) return new VaultKeyring(secrets);
  if (!forEncryption) return new VaultKeyring([await promptedSecret('Vault password: ')]);
  return new VaultKeyring([await newPassword('default')]);
}

async function promptedSecret(question: string): Promise<VaultSecret> {
  const password = await promptHidden(question);
  if (password === '') throw new VaultError('A password is required to use Ansible\'s Vault');
  return { label: 'default', password: Buffer.from(password) };
}

async function newPassword(label: string): Promise<VaultSecret> {
  const first = await promptHidden('New Vault password: ');
  const second = await promptHidden('Confirm New Vault password: ');
  if (first !== second) throw new VaultError('Passwords do not match');
  if (first === '') throw new VaultError('A password is required to use Ansible\'s Vault');
  return { label, password: Buffer.from(first) };
}

function readInput(file: string): Buffer {
  if (file === STDIO) return readFileSync(0);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new VaultError(`${(error as NodeJS.ErrnoException).code === 'ENOENT' ? `input is not a file: ${file}` : (error as Error).message}`);
  }
}

/** Writes where ansible-vault writes: the same file (keeping its mode), --output, or stdout for '-'. */
function writeOutput(file: string, content: string | Buffer): void {
  if (file === STDIO) {
    process.stdout.write(content);
    return;
  }
  const mode = existsSync(file) ? statSync(file).mode & 0o7777 : 0o600;
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
}

function decryptFile(vault: VaultKeyring, file: string): Buffer {
  const text = readInput(file).toString('utf8');
  if (!isVaultText(text)) throw new VaultError(`input is not vault encrypted data for ${file}`);
  return vault.decrypt(text, file === STDIO ? 'stdin' : file);
}

/** The plaintext after the user edited it in $EDITOR; the temporary file is owner-only and removed afterwards. */
function editInEditor(plaintext: Buffer): Buffer {
  const folder = mkdtempSync(join(tmpdir(), 'betif-vault-'));
  const file = join(folder, 'plaintext');
  try {
    writeFileSync(file, plaintext, { mode: 0o600 });
    const editor = process.env.EDITOR || 'vi';
    const [program, ...args] = shlexSplit(editor);
    const result = spawnSync(program, [...args, file], { stdio: 'inherit' });
    if (result.status !== 0) throw new VaultError(`the editor (${editor}) exited with ${result.status ?? result.signal}`);
    return readFileSync(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function vaultString(plaintext: string, secret: VaultSecret, name?: string): string {
  const body = encryptText(Buffer.from(plaintext), secret).trimEnd().split('\n').map((line) => `          ${line}`).join('\n');
  return `${name !== undefined ? `${name}: ` : ''}!vault |\n${body}\n`;
}

function buildVaultProgram(version: string, actions: Record<string, (files: string[], options: VaultOptions) => Promise<void>>): Command {
  const program = new Command('betif-play vault').description('encrypt and decrypt Ansible Vault files, as ansible-vault').version(version, '--version').exitOverride();
  const withPasswords = (command: Command) =>
    command
      .option('--vault-id <id>', 'vault identity label@source (repeatable)', collect, [])
      .option('--vault-password-file <file>', 'vault password file or executable (repeatable)', collect, [])
      .option('-J, --ask-vault-pass', 'ask for the vault password', false)
      .exitOverride();
  const add = (name: string, description: string, configure: (command: Command) => Command = (command) => command) => {
    const command = configure(withPasswords(program.command(name).description(description).argument(name === 'encrypt_string' ? '[strings...]' : '[files...]')));
    command.action(async (files: string[], options: VaultOptions) => actions[name](files, options));
  };
  const encryptId = (command: Command) => command.option('--encrypt-vault-id <label>', 'the vault id to encrypt with');
  const output = (command: Command) => command.option('--output <file>', "write the result here ('-' for stdout)");
  add('create', 'create a new encrypted file in $EDITOR', encryptId);
  add('encrypt', 'encrypt files (stdin to stdout without files)', (command) => output(encryptId(command)));
  add('decrypt', 'decrypt files (stdin to stdout without files)', output);
  add('view', 'print the plaintext of encrypted files');
  add('edit', 'edit an encrypted file in $EDITOR', encryptId);
  add('rekey', 'encrypt files again with a new password', (command) =>
    encryptId(command).option('--new-vault-id <id>', 'the new vault identity label@source').option('--new-vault-password-file <file>', 'the new vault password file'),
  );
  add('encrypt_string', 'encrypt a string for a YAML file (`name: !vault |`)', (command) =>
    encryptId(command)
      .option('-n, --name <name>', 'variable name for the string (repeatable, one per string)', collect, [])
      .option('--stdin-name <name>', 'read the string from stdin and name it')
      .option('-p, --prompt', 'ask for the string to encrypt', false),
  );
  return program;
}

const actions: Record<string, (files: string[], options: VaultOptions) => Promise<void>> = {
  async create([file], options) {
    if (!file) throw new VaultError('ansible-vault create can take only one filename argument');
    if (existsSync(file)) throw new VaultError(`${file} exists, please use 'edit' instead`);
    const vault = await keyring(options, true);
    const plaintext = editInEditor(Buffer.alloc(0));
    writeOutput(file, encryptText(plaintext, vault.encryptingSecret(options.encryptVaultId)));
  },
  async encrypt(files, options) {
    const vault = await keyring(options, true);
    const secret = vault.encryptingSecret(options.encryptVaultId);
    for (const file of files.length > 0 ? files : [STDIO]) {
      const input = readInput(file);
      if (isVaultText(input)) throw new VaultError(`input is already encrypted: ${file}`);
      writeOutput(options.output ?? file, encryptText(input, secret));
    }
    process.stderr.write('Encryption successful\n');
  },
  async decrypt(files, options) {
    const vault = await keyring(options, false);
    for (const file of files.length > 0 ? files : [STDIO]) writeOutput(options.output ?? file, decryptFile(vault, file));
    process.stderr.write('Decryption successful\n');
  },
  async view(files, options) {
    const vault = await keyring(options, false);
    for (const file of files) process.stdout.write(decryptFile(vault, file));
  },
  async edit([file], options) {
    if (!file) throw new VaultError('ansible-vault edit can take only one filename argument');
    const vault = await keyring(options, false);
    const envelope = parseEnvelope(readInput(file).toString('utf8'));
    const plaintext = decryptFile(vault, file);
    const edited = editInEditor(plaintext);
    if (edited.equals(plaintext)) return;
    const label = options.encryptVaultId ?? envelope.label;
    const secret = vault.secrets.find((candidate) => candidate.label === label) ?? vault.secrets[0];
    writeOutput(file, encryptText(edited, secret));
  },
  async rekey(files, options) {
    const vault = await keyring(options, false);
    const newSources = { vaultIds: options.newVaultId ? [options.newVaultId] : [], passwordFiles: options.newVaultPasswordFile ? [options.newVaultPasswordFile] : [], askVaultPass: false, prompt: promptHidden };
    const [fresh] = await loadVaultSecrets(newSources);
    const secret = fresh ?? (await newPassword('default'));
    for (const file of files) writeOutput(file, encryptText(decryptFile(vault, file), secret));
    process.stderr.write('Rekey successful\n');
  },
  async encrypt_string(strings, options) {
    const vault = await keyring(options, true);
    const secret = vault.encryptingSecret(options.encryptVaultId);
    const entries: { name?: string; value: string }[] = strings.map((value, index) => ({ name: options.name[index], value }));
    if (options.stdinName !== undefined || (strings.length === 0 && !options.prompt)) {
      if (process.stdin.isTTY) process.stderr.write('Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n');
      entries.push({ name: options.stdinName ?? options.name[0], value: readFileSync(0, 'utf8') });
    }
    if (options.prompt) entries.push({ name: options.name[0], value: await promptHidden('String to encrypt (hidden): ') });
    for (const entry of entries) {
      if (entry.value === '') throw new VaultError('The plaintext provided was empty, not encrypting');
      process.stdout.write(vaultString(entry.value, secret, entry.name));
    }
    process.stderr.write('Encryption successful\n');
  },
};

/** `betif-play vault ACTION ...`: ansible-vault's commands and exit codes, on files both tools read. */
export async function vaultMain(args: string[], version: string): Promise<number> {
  const program = buildVaultProgram(version, actions);
  try {
    await program.parseAsync(['node', 'betif-play vault', ...args]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 5;
    if (error instanceof ConfigError) {
      process.stderr.write(`ERROR: ${error.message}\n`);
      return 5;
    }
    if (error instanceof VaultError || error instanceof PromptError) {
      process.stderr.write(`ERROR! ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
