import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { useVault } from '../../src/vault/active.js';
import { parseEnvelope } from '../../src/vault/envelope.js';
import { encryptText, VaultError, VaultKeyring } from '../../src/vault/keyring.js';
import { loadVaultSecrets } from '../../src/vault/passwords.js';
import { pyyamlTags } from '../../src/yaml/pyyaml.js';
import { Secrets } from '../../src/runner/secrets.js';

const work = mkdtempSync(join(tmpdir(), 'betif-vault-'));
const passwordFile = join(work, 'pass');
writeFileSync(passwordFile, 'correct horse\n');
const secret = (label: string, password: string) => ({ label, password: Buffer.from(password) });

function ansibleVault(args: string[]): string {
  return execFileSync('ansible-vault', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('Ansible Vault (AES256) with ansible-vault 2.14', () => {
  test('a file ansible-vault encrypted is read', () => {
    const file = join(work, 'from-ansible.yml');
    writeFileSync(file, 'db_password: s3cret\n');
    ansibleVault(['encrypt', '--vault-password-file', passwordFile, file]);
    const keyring = new VaultKeyring([secret('default', 'correct horse')]);
    assert.equal(keyring.decrypt(readFileSync(file, 'utf8'), file).toString(), 'db_password: s3cret\n');
  });

  test('a file betif-play encrypted with a vault-id label (1.2) is read by ansible-vault', () => {
    const file = join(work, 'from-betif.txt');
    writeFileSync(file, encryptText(Buffer.from('line one\nline two\n'), secret('prod', 'correct horse')));
    assert.match(readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n(?:[0-9a-f]{80}\n)+[0-9a-f]{1,80}\n$/);
    assert.equal(ansibleVault(['view', '--vault-id', `prod@${passwordFile}`, file]), 'line one\nline two\n');
  });

  test('the default label writes the 1.1 header; every block size round-trips', () => {
    const keyring = new VaultKeyring([secret('default', 'pw')]);
    for (const size of [0, 1, 15, 16, 17, 100]) {
      const plaintext = Buffer.alloc(size, 'x');
      const text = encryptText(plaintext, keyring.secrets[0]);
      assert.equal(parseEnvelope(text).version, '1.1');
      assert.deepEqual(keyring.decrypt(text, 'mem'), plaintext);
    }
  });

  test('a wrong password is one clear error naming the file', () => {
    const text = encryptText(Buffer.from('x: 1\n'), secret('default', 'right'));
    const keyring = new VaultKeyring([secret('default', 'wrong')]);
    assert.throws(() => keyring.decrypt(text, '/srv/group_vars/all.yml'), (error: Error) => {
      assert.ok(error instanceof VaultError);
      assert.match(error.message, /^Decryption failed \(no vault secrets were found that could decrypt\) on \/srv\/group_vars\/all\.yml: HMAC verification failed: wrong vault password\?$/);
      return true;
    });
    assert.throws(() => new VaultKeyring([]).decrypt(text, 'f'), /Attempting to decrypt but no vault secrets found/);
  });

  test('the labelled password is tried first, then the others', () => {
    const text = encryptText(Buffer.from('ok'), secret('dev', 'dev-pass'));
    const keyring = new VaultKeyring([secret('prod', 'prod-pass'), secret('other', 'dev-pass')]);
    assert.equal(keyring.decrypt(text, 'f').toString(), 'ok');
  });

  test('password sources: a file (trimmed), an executable, label@source, in Ansible order', async () => {
    const script = join(work, 'pass-script');
    writeFileSync(script, '#!/bin/sh\necho from-script\n', { mode: 0o755 });
    const secrets = await loadVaultSecrets({ vaultIds: [`dev@${script}`], passwordFiles: [passwordFile], askVaultPass: false, prompt: () => Promise.reject(new Error('no prompt')) });
    assert.deepEqual(secrets.map((entry) => [entry.label, entry.password.toString()]), [['dev', 'from-script'], ['default', 'correct horse']]);
    await assert.rejects(loadVaultSecrets({ vaultIds: [], passwordFiles: [join(work, 'missing')], askVaultPass: false, prompt: () => Promise.resolve('') }), /The vault password file .*missing was not found/);
  });

  test('an inline !vault value is decrypted and becomes a masked secret', () => {
    const block = ansibleVault(['encrypt_string', '--vault-password-file', passwordFile, '--name', 'token', 'inline-s3cret']);
    const secrets = new Secrets();
    useVault(new VaultKeyring([secret('default', 'correct horse')]), (plaintext) => secrets.add(plaintext));
    try {
      const data = parseDocument(block, { version: '1.1', customTags: pyyamlTags }).toJS() as { token: string };
      assert.equal(data.token, 'inline-s3cret');
      assert.equal(secrets.maskText('the token is inline-s3cret'), 'the token is ********');
    } finally {
      useVault(new VaultKeyring([]), () => {});
    }
  });
});

describe('inline !vault values without the password', () => {
  test('parse, and fail only where they are used, with Ansible\'s message', () => {
    const text = `token: !vault |\n  ${encryptText(Buffer.from('x'), secret('default', 'pw')).trimEnd().split('\n').join('\n  ')}\nplain: 1\n`;
    useVault(new VaultKeyring([]), () => {});
    const data = parseDocument(text, { version: '1.1', customTags: pyyamlTags }).toJS() as { token: { fail(): never }; plain: number };
    assert.equal(data.plain, 1);
    assert.throws(() => data.token.fail(), /Attempting to decrypt but no vault secrets found/);
  });
});
