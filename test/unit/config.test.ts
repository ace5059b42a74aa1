import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';

function folderWith(cfg?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'betif-cfg-'));
  if (cfg !== undefined) writeFileSync(join(dir, 'ansible.cfg'), cfg);
  return dir;
}

const HOME_LESS = { HOME: '/nonexistent-home' };

describe('ansible.cfg lookup and settings', () => {
  test('./ansible.cfg is read: INI with # and ; comments, paths relative to the file', () => {
    const dir = folderWith('# a comment\n[defaults]\ninventory = hosts.ini ; the lab\nforks: 7\nremote_user = deploy\nhost_key_checking = False\n; another\n[privilege_escalation]\nbecome = yes\nunknown_key = ignored\n');
    const config = loadConfig(HOME_LESS, dir);
    assert.equal(config.file, join(dir, 'ansible.cfg'));
    assert.deepEqual(config.values.inventory, [join(dir, 'hosts.ini')]);
    assert.equal(config.values.forks, 7);
    assert.equal(config.values.remoteUser, 'deploy');
    assert.equal(config.values.hostKeyChecking, false);
    assert.equal(config.values.become, true);
    assert.equal(config.values.timeout, 10);
    assert.equal(config.origins.forks, `${join(dir, 'ansible.cfg')}:4`);
  });

  test('ANSIBLE_* variables win over the file; the later of two names wins', () => {
    const dir = folderWith('[defaults]\nforks = 7\ncallback_whitelist = timer\n');
    const config = loadConfig({ ...HOME_LESS, ANSIBLE_FORKS: '3', ANSIBLE_CALLBACKS_ENABLED: 'profile_tasks, timer' }, dir);
    assert.equal(config.values.forks, 3);
    assert.deepEqual(config.values.callbacksEnabled, ['profile_tasks', 'timer']);
  });

  test('ANSIBLE_CONFIG comes first and files are not merged', () => {
    const dir = folderWith('[defaults]\nforks = 7\n');
    const other = folderWith('[defaults]\nremote_user = other\n');
    const config = loadConfig({ ...HOME_LESS, ANSIBLE_CONFIG: join(other, 'ansible.cfg') }, dir);
    assert.equal(config.values.remoteUser, 'other');
    assert.equal(config.values.forks, undefined);
  });

  test('a world-writable working folder has its ansible.cfg skipped with Ansible\'s warning', () => {
    const dir = folderWith('[defaults]\nforks = 7\n');
    chmodSync(dir, 0o777);
    const config = loadConfig(HOME_LESS, dir);
    assert.equal(config.file, undefined);
    assert.match(config.warnings[0], /Ansible is being run in a world writable directory \(.*\), ignoring it as an ansible.cfg source/);
  });

  test('a bad value is one error naming the file and line', () => {
    const dir = folderWith('[defaults]\n\nforks = lots\n');
    assert.throws(() => loadConfig(HOME_LESS, dir), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `Invalid type for configuration option setting: DEFAULT_FORKS (from ${join(dir, 'ansible.cfg')}, line 3): invalid literal for int() with base 10: 'lots'`);
      return true;
    });
    assert.throws(() => loadConfig(HOME_LESS, folderWith('[defaults]\ngathering = sometimes\n')), /valid values are: implicit, explicit, smart/);
  });

  test('fact caching, vault, library and collections settings are exposed', () => {
    const dir = folderWith('[defaults]\nfact_caching = jsonfile\nfact_caching_connection = ~/facts\nvault_password_file = .vault-pass\nlibrary = ./library:/opt/modules\ncollections_path = /opt/collections\n');
    mkdirSync(join(dir, 'library'));
    const config = loadConfig({ HOME: '/home/someone' }, dir);
    assert.equal(config.values.factCaching, 'jsonfile');
    assert.equal(config.values.factCachingTimeout, 86400);
    assert.equal(config.values.vaultPasswordFile, join(dir, '.vault-pass'));
    assert.deepEqual(config.values.library, [join(dir, 'library'), '/opt/modules']);
    assert.deepEqual(config.values.collectionsPaths, ['/opt/collections']);
  });
});
