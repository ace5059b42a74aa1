import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { verifyHostKey } from '../../src/connection/known-hosts.js';

/** An ed25519 public key as an SSH wire blob (what a server presents). */
function hostKey(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const field = (data: Buffer) => Buffer.concat([lengthOf(data), data]);
  return Buffer.concat([field(type), field(raw)]);
}

function lengthOf(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  return length;
}

const line = (names: string, key: Buffer) => `${names} ssh-ed25519 ${key.toString('base64')}\n`;
const target = (port: number) => ({ host: `h${port}`, address: '127.0.0.1', port });

describe('known_hosts lookups', () => {
  const folder = mkdtempSync(join(tmpdir(), 'betif-known-hosts-'));

  test('plain names (any case), wildcards and negations name hosts as OpenSSH reads them', () => {
    const [plain, wildcard, other] = [hostKey(), hostKey(), hostKey()];
    const file = join(folder, 'patterns');
    writeFileSync(file, [line('[127.0.0.1]:2301,[LAB.example]:2301', plain), line('[127.0.0.1]:24*,![127.0.0.1]:2402', wildcard), line('# comment', other)].join(''));
    assert.deepEqual(verifyHostKey(plain, target(2301), 'strict', [file]), { ok: true });
    assert.deepEqual(verifyHostKey(plain, { host: 'lab', address: 'lab.EXAMPLE', port: 2301 }, 'strict', [file]), { ok: true });
    assert.deepEqual(verifyHostKey(wildcard, target(2401), 'strict', [file]), { ok: true });
    assert.equal(verifyHostKey(wildcard, target(2402), 'strict', [file]).ok, false);
    const changed = verifyHostKey(other, target(2301), 'strict', [file]);
    assert.equal(changed.ok, false);
    assert.match(changed.ok ? '' : changed.reason, /REMOTE HOST IDENTIFICATION HAS CHANGED for h2301 \(\[127\.0\.0\.1\]:2301\).*patterns:1 has a different key/);
  });

  test('a file written between two lookups is read again', () => {
    const [first, second] = [hostKey(), hostKey()];
    const file = join(folder, 'growing');
    writeFileSync(file, line('[127.0.0.1]:2501', first));
    assert.deepEqual(verifyHostKey(first, target(2501), 'strict', [file]), { ok: true });
    assert.equal(verifyHostKey(second, target(2502), 'strict', [file]).ok, false);
    appendFileSync(file, line('[127.0.0.1]:2502', second));
    assert.deepEqual(verifyHostKey(second, target(2502), 'strict', [file]), { ok: true });
  });
});
