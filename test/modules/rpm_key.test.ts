import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { SshConnection } from '../../src/connection/ssh.js';
import { ArgumentError } from '../../src/modules/args.js';
import rpmKey from '../../src/modules/packages/rpm_key.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, labSettings, startLab, type Lab } from '../helpers/lab.js';
import { runModule } from '../helpers/module-harness.js';

// Compiled to dist/test/modules/: the keys stay in the source tree.
const KEYS = fileURLToPath(new URL('../../../test/fixtures/keys/', import.meta.url));
const ONE = { id: '12DE7EECC50FABAA', fingerprint: '28A04033915FB7D2840582CA12DE7EECC50FABAA' };
const TWO = { id: '37108D7AB163B5EC' };

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - rpm_key:
        key: /srv/keys/key-two.asc
        fingerprint: CAEF 5944 991A 313C 263B 515E 3710 8D7A B163 B5EC
    - rpm_key:
        key: "0x12de7eecc50fabaa"
        state: absent
`;

/**
 * The lab host's /var is its own, so real rpm imports into the host's own database (never the
 * machine's); the test reads it through the host's root.
 */
describe('rpm_key (real rpm and gpg on a lab host)', () => {
  let lab: Lab;
  let connection: SshConnection;
  let server: Server;
  let serverUrl: string;
  let hostRoot: string;

  function importedKeys(): string[] {
    try {
      return execFileSync('rpm', ['--root', hostRoot, '-q', 'gpg-pubkey', '--qf', '%{VERSION}\\n'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    } catch {
      return [];
    }
  }

  const run = (args: Record<string, unknown>, check = false) => runModule(rpmKey, args, { connection, check });

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2778), dir: join(tmpdir(), 'betif-lab-rpm-key') });
    hostRoot = lab.hosts[0].root;
    mkdirSync(join(hostRoot, 'srv', 'keys'), { recursive: true });
    cpSync(KEYS, join(hostRoot, 'srv', 'keys'), { recursive: true });
    writeFileSync(join(hostRoot, 'srv', 'keys', 'not-a-key.txt'), 'hello\n');
    connection = new SshConnection(labSettings(lab, lab.hosts[0]));
    server = createServer((request, response) => {
      if (request.url === '/key-two.asc') response.end(readFileSync(join(KEYS, 'key-two.asc')));
      else if (request.url === '/page.html') response.end('<html>not a key</html>\n');
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server?.close();
    await connection?.close();
    await lab?.stop();
  });

  test('imports a key file once; check mode imports nothing; a wrong fingerprint fails', async () => {
    const args = { key: '/srv/keys/key-one.asc', fingerprint: ONE.fingerprint };
    const check = await run(args, true);
    assert.equal(check.result.changed, true, String(check.result.msg));
    assert.deepEqual(importedKeys(), []);

    const wrong = await run({ key: '/srv/keys/key-one.asc', fingerprint: 'AAAA' });
    assert.equal(wrong.result.msg, `The specified fingerprint, 'AAAA', does not match the key fingerprint '${ONE.fingerprint}'`);

    const first = await run(args);
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.deepEqual(importedKeys(), [ONE.id.slice(-8).toLowerCase()]);
    assert.equal((await run(args)).result.changed, false);
  });

  test('imports a key from a URL (downloaded on the host), and removes keys by id or file', async () => {
    const url = { key: `${serverUrl}/key-two.asc` };
    assert.equal((await run(url)).result.changed, true);
    assert.ok(importedKeys().includes(TWO.id.slice(-8).toLowerCase()));
    assert.equal((await run(url)).result.changed, false);

    const byFile = { key: '/srv/keys/key-two.asc', state: 'absent' };
    assert.equal((await run(byFile, true)).result.changed, true);
    assert.ok(importedKeys().includes(TWO.id.slice(-8).toLowerCase()));
    assert.equal((await run(byFile)).result.changed, true);
    assert.equal((await run(byFile)).result.changed, false);
    assert.ok(!importedKeys().includes(TWO.id.slice(-8).toLowerCase()));
  });

  test("Ansible's messages for keys that are not keys", async () => {
    assert.equal((await run({ key: '/srv/keys/missing.asc' })).result.msg, 'Not a valid key /srv/keys/missing.asc');
    assert.equal((await run({ key: `${serverUrl}/page.html` })).result.msg, `Not a public key: ${serverUrl}/page.html`);
    assert.match(String((await run({ key: `${serverUrl}/nothing.asc` })).result.msg), new RegExp(`^failed to fetch key at ${serverUrl}/nothing.asc , error was: .*404`));
    assert.equal((await run({ key: '0xDEADBEEF' })).result.msg, 'When importing a key, a valid file must be given');
    await assert.rejects(run({ key: '/x', state: 'latest' }), (error: Error) => error instanceof ArgumentError && /argument 'state' must be one of: present, absent/.test(error.message));
    await assert.rejects(run({ state: 'present' }), /missing required argument 'key' for module 'rpm_key'/);
  });

  test('a playbook imports by file with a spaced fingerprint and removes by key id, once', async () => {
    const work = mkdtempSync(join(tmpdir(), 'betif-rpm-key-play-'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    const base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
    await run({ key: '/srv/keys/key-one.asc' });
    const first = await betifPlay(base);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(parseRecap(first.stdout).h1.changed, 2, first.stdout);
    assert.deepEqual(importedKeys(), [TWO.id.slice(-8).toLowerCase()]);
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
