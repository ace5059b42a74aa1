/**
 * `npm test`: every compiled test file, three at once, the longest first (so the long ones never start last and
 * hold up the end of the run): the ones named here in this order, then every other test file in name order.
 * node's own `--test FILE...` sorts the files by name; its run() keeps them in the order given.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';
import { pathToFileURL } from 'node:url';

const CONCURRENCY = 3;

/** `shared:NAME` is a group of SHARED_PROCESSES, in the place of its size. */
const LONGEST_FIRST = [
  'dist/test/compat/compat.test.js',
  'dist/test/integration/site.test.js',
  'shared:modules',
  'dist/test/modules/helm_release.test.js',
  'dist/test/modules/dnf.test.js',
  'dist/test/modules/apt.test.js',
  'dist/test/modules/virt_install.test.js',
  'dist/test/integration/fault-drill.test.js',
  'dist/test/integration/secret-leak.test.js',
  'shared:unit',
];

/** Module test files that need nothing process-wide of their own (tried together: they pass in one process). */
const MODULES_SHARING = ['assert', 'authorized_key', 'blockinfile', 'command', 'copy', 'cron', 'debug', 'fail', 'file', 'grubby', 'ini_file', 'kernel_blacklist', 'lineinfile', 'modprobe', 'mount', 'pam_limits', 'reboot', 'set_fact', 'shell', 'slurp', 'stat', 'sysctl', 'systemd', 'template', 'udev_rule', 'unarchive', 'uri', 'user', 'wait_for'];

/**
 * Test files that run in one process, one after the other: a process of its own costs each file a node start and
 * the loading of what it imports, about 0.6 s of CPU (the unit tests took 47 s of CPU in processes of their own,
 * 28 s in one). Only files that change nothing process-wide belong here (no environment variables set at import,
 * no working folder of their own); a failure still names its file.
 */
const SHARED_PROCESSES = {
  modules: (file) => MODULES_SHARING.some((name) => file === `dist/test/modules/${name}.test.js`),
  unit: (file) => file.startsWith('dist/test/unit/') && file !== 'dist/test/unit/ansible-modules.test.js',
};

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

/** Each group of SHARED_PROCESSES as one file that imports its members, written into `folder`. */
function sharedProcesses(files, folder) {
  return Object.entries(SHARED_PROCESSES).flatMap(([name, belongs]) => {
    const members = files.filter(belongs);
    if (members.length === 0) return [];
    const entry = join(folder, `${name}.test.mjs`);
    writeFileSync(entry, members.map((file) => `import ${JSON.stringify(pathToFileURL(resolve(file)).href)};\n`).join(''));
    return [{ name, entry, members }];
  });
}

const all = testFiles('dist/test').sort();
const folder = mkdtempSync(join(tmpdir(), 'betif-test-groups-'));
const shared = sharedProcesses(all, folder);
const inShared = new Set(shared.flatMap((group) => group.members));
const entries = new Map(shared.map((group) => [`shared:${group.name}`, group.entry]));
const first = LONGEST_FIRST.flatMap((file) => (file.startsWith('shared:') ? (entries.has(file) ? [entries.get(file)] : []) : [file]));
const rest = all.filter((file) => !LONGEST_FIRST.includes(file) && !inShared.has(file));
const tests = run({ files: [...first, ...rest], concurrency: CONCURRENCY });
// As `node --test`: a failed or cancelled test fails the run; spec on a terminal, tap otherwise.
tests.on('test:fail', () => {
  process.exitCode = 1;
});
tests.on('close', () => rmSync(folder, { recursive: true, force: true }));
tests.compose(process.stdout.isTTY ? spec : tap).pipe(process.stdout);
