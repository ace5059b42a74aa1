import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';
import { privateKey } from '../../src/connection/private-keys.js';

const { utils } = ssh2;

test('a private key file is parsed once for all the hosts that log in with it, again when it changed', () => {
  const folder = mkdtempSync(join(tmpdir(), 'betif-keys-'));
  try {
    const file = join(folder, 'id_ed25519');
    const { private: first } = utils.generateKeyPairSync('ed25519');
    writeFileSync(file, first);
    let parses = 0;
    const parse = (data: Buffer) => {
      parses += 1;
      return utils.parseKey(data);
    };
    const keys = Array.from({ length: 50 }, () => privateKey(file, parse));
    assert.equal(parses, 1);
    assert.ok(keys.every((key) => key === keys[0]));
    assert.equal((keys[0] as ParsedKey).type, 'ssh-ed25519');

    const { private: second } = utils.generateKeyPairSync('ecdsa', { bits: 256 });
    writeFileSync(file, second);
    assert.equal((privateKey(file, parse) as ParsedKey).type, 'ecdsa-sha2-nistp256');
    assert.equal(parses, 2);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a key the parser cannot use as it is (a passphrase) is given as its bytes, for ssh2 to say why it skips it', () => {
  const folder = mkdtempSync(join(tmpdir(), 'betif-keys-'));
  try {
    const file = join(folder, 'id_ed25519');
    const { private: locked } = utils.generateKeyPairSync('ed25519', { passphrase: 'secret', cipher: 'aes256-cbc', rounds: 2 });
    writeFileSync(file, locked);
    const key = privateKey(file, (data) => utils.parseKey(data));
    assert.ok(Buffer.isBuffer(key));
    assert.equal(key.toString(), locked);
    assert.throws(() => privateKey(join(folder, 'missing'), (data) => utils.parseKey(data)), { code: 'ENOENT' });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a parsed key signs as ssh2 would (ed25519, ECDSA, RSA with its SHA-2 hashes), through one decoded key', () => {
  const folder = mkdtempSync(join(tmpdir(), 'betif-keys-'));
  try {
    const data = Buffer.from('session identifier and user auth request');
    for (const [type, options] of [['ed25519', {}], ['ecdsa', { bits: 384 }], ['rsa', { bits: 2048 }]] as const) {
      const file = join(folder, `id_${type}`);
      const { private: text } = utils.generateKeyPairSync(type, options);
      writeFileSync(file, text);
      const key = privateKey(file, (bytes) => utils.parseKey(bytes)) as ParsedKey;
      const reference = utils.parseKey(text) as ParsedKey;
      for (const algorithm of type === 'rsa' ? [undefined, 'sha256', 'sha512'] : [undefined]) {
        const signature = key.sign(data, algorithm);
        assert.ok(Buffer.isBuffer(signature), `${type} ${algorithm ?? 'default'}`);
        assert.equal(reference.verify(data, signature, algorithm), true, `${type} ${algorithm ?? 'default'}`);
        if (type === 'ed25519') assert.deepEqual(signature, reference.sign(data));
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
