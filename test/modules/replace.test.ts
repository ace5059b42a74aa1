import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import replace from '../../src/modules/files/replace.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const CONFIG = 'Listen 80\n# upstream\nserver a.example:80\nserver b.example:80\n# end\nListen 8080\n';

function configFile(content = CONFIG): string {
  const path = join(scratchDir('betif-replace-'), 'app.conf');
  writeFileSync(path, content);
  return path;
}

describe('replace', () => {
  test('replaces every match (multiline anchors, \\1 and \\g<name> groups), then has nothing to do', async () => {
    const path = configFile();
    const args = { path, regexp: '^Listen (?P<port>\\d+)$', replace: 'Listen 127.0.0.1:\\g<port>' };
    const first = await runModule(replace, args);
    assert.deepEqual(first.result, { changed: true, rc: 0, msg: '2 replacements made' });
    assert.equal(readFileSync(path, 'utf8'), CONFIG.replace('Listen 80\n', 'Listen 127.0.0.1:80\n').replace('Listen 8080', 'Listen 127.0.0.1:8080'));
    assert.deepEqual(first.diff, [{ before: CONFIG, after: readFileSync(path, 'utf8'), beforeHeader: path, afterHeader: path }]);
    const second = await runModule(replace, args);
    assert.deepEqual(second.result, { changed: false, rc: 0, msg: '' });
    assert.deepEqual(second.diff, []);
  });

  test('after and before limit the section; a section that is not found is not an error', async () => {
    const path = configFile();
    const { result } = await runModule(replace, { path, regexp: '\\.example', replace: '.test', after: '# upstream', before: '# end' });
    assert.equal(result.msg, '2 replacements made');
    assert.equal(readFileSync(path, 'utf8'), CONFIG.replace(/\.example/g, '.test'));
    const absent = await runModule(replace, { path, regexp: 'x', after: 'nothing here' });
    assert.deepEqual(absent.result, { changed: false, rc: 0, msg: 'Pattern for before/after params did not match the given file: nothing here(?P<subsection>.*)' });
  });

  test('check mode reports and writes nothing; backup, mode and validate when writing', async () => {
    const path = configFile();
    const check = await runModule(replace, { path, regexp: '80', replace: '81' }, { check: true });
    assert.equal(check.result.changed, true);
    assert.equal(readFileSync(path, 'utf8'), CONFIG);

    const backed = await runModule(replace, { path, regexp: '80', replace: '81', backup: true, mode: '0600' });
    assert.equal(backed.result.msg, '5 replacements made and ownership, perms or SE linux context changed');
    assert.equal(readFileSync(String(backed.result.backup_file), 'utf8'), CONFIG);
    assert.equal(statSync(path).mode & 0o777, 0o600);

    const refused = await runModule(replace, { path, regexp: '81', replace: '82', validate: 'grep -q 80 %s' });
    assert.equal(refused.result.failed, true);
    assert.equal(refused.result.msg, 'failed to validate: rc:1 error:');
    assert.match(readFileSync(path, 'utf8'), /:81/);
    const accepted = await runModule(replace, { path, regexp: '81', replace: '82', validate: 'grep -q 82 %s' });
    assert.equal(accepted.result.changed, true);
    assert.match(readFileSync(path, 'utf8'), /:82/);
    assert.deepEqual(readdirSync(join(path, '..')).filter((name) => name.includes('.betif.')), []);
  });

  test('text is matched as characters in the file\'s encoding', async () => {
    const path = configFile('name=Zoë\n');
    await runModule(replace, { path, regexp: 'Zo.$', replace: 'Chloé' });
    assert.equal(readFileSync(path, 'utf8'), 'name=Chloé\n');
    const latin = configFile('');
    writeFileSync(latin, Buffer.from('café\n', 'latin1'));
    await runModule(replace, { path: latin, regexp: 'caf.', replace: 'thé', encoding: 'latin-1' });
    assert.deepEqual(readFileSync(latin), Buffer.from('thé\n', 'latin1'));
  });

  test('missing files, folders and bad arguments', async () => {
    const dir = scratchDir();
    const missing = await runModule(replace, { path: join(dir, 'nope'), regexp: 'x' });
    assert.deepEqual([missing.result.msg, missing.result.rc], [`Path ${join(dir, 'nope')} does not exist !`, 257]);
    const folder = await runModule(replace, { path: dir, regexp: 'x' });
    assert.deepEqual([folder.result.msg, folder.result.rc], [`Path ${dir} is a directory !`, 256]);
    await assert.rejects(runModule(replace, { path: '/tmp/x', regex: 'x' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'regex' for module 'replace' \(did you mean 'regexp'\?\)/);
      return true;
    });
    await assert.rejects(runModule(replace, { path: '/tmp/x' }), /missing required argument 'regexp'/);
    const noPlaceholder = await runModule(replace, { path: configFile(), regexp: '80', validate: 'true' });
    assert.equal(noPlaceholder.result.msg, 'validate must contain %s: true');
  });

  test('paths, patterns, replacements and validate commands are data, never shell', async () => {
    const dir = scratchDir();
    const tag = `pwned-${process.pid}`;
    const path = join(dir, `a; touch ${tag} $(touch ${tag}).conf`);
    writeFileSync(path, 'x\n');
    await runModule(replace, { path, regexp: 'x', replace: `$(touch ${tag})`, validate: `grep -q nomatch %s ; touch ${tag}` });
    assert.equal(readFileSync(path, 'utf8'), 'x\n');
    await runModule(replace, { path, regexp: 'x', replace: `\`touch ${tag}\``, validate: 'grep -q touch %s' });
    assert.equal(readFileSync(path, 'utf8'), `\`touch ${tag}\`\n`);
    for (const where of [dir, process.cwd()]) assert.equal(existsSync(join(where, tag)), false);
  });
});

describe('replace on a lab host over SSH', () => {
  let lab: Lab;
  let base: string[];
  let path: string;

  before(async () => {
    lab = await startLab(1, { basePort: labPort(2820), dir: join(tmpdir(), 'betif-lab-replace') });
    path = join(lab.hosts[0].root, 'srv', 'sshd_config');
    writeFileSync(path, '#PermitRootLogin yes\nPasswordAuthentication yes\n');
    const work = mkdtempSync(join(tmpdir(), 'betif-replace-play-'));
    writeFileSync(
      join(work, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - replace:
        path: /srv/sshd_config
        regexp: '^#?(PermitRootLogin|PasswordAuthentication) yes$'
        replace: '\\1 no'
`,
    );
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    await lab?.stop();
  });

  test('--check changes nothing, --diff shows the change, a second run changes nothing', async () => {
    const check = await betifPlay([...base, '--check', '--diff']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(parseRecap(check.stdout).h1.changed, 1);
    assert.match(check.stdout, /^-#PermitRootLogin yes\n-PasswordAuthentication yes\n\+PermitRootLogin no\n\+PasswordAuthentication no$/m);
    assert.equal(readFileSync(path, 'utf8'), '#PermitRootLogin yes\nPasswordAuthentication yes\n');
    const first = await betifPlay(base);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout);
    assert.equal(readFileSync(path, 'utf8'), 'PermitRootLogin no\nPasswordAuthentication no\n');
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});
