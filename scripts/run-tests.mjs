/**
 * `npm test`: every compiled test file, three at once, the longest first (so the long ones never start last and
 * hold up the end of the run): the ones named here in this order, then every other test file in name order.
 * node's own `--test FILE...` sorts the files by name; its run() keeps them in the order given.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';

const CONCURRENCY = 3;

const LONGEST_FIRST = [
  'dist/test/compat/compat.test.js',
  'dist/test/integration/site.test.js',
  'dist/test/modules/helm_release.test.js',
  'dist/test/modules/dnf.test.js',
  'dist/test/integration/fault-drill.test.js',
  'dist/test/modules/apt.test.js',
  'dist/test/integration/config-vault.test.js',
  'dist/test/modules/virt_install.test.js',
  'dist/test/integration/secret-leak.test.js',
];

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const rest = testFiles('dist/test').filter((file) => !LONGEST_FIRST.includes(file)).sort();
const tests = run({ files: [...LONGEST_FIRST, ...rest], concurrency: CONCURRENCY });
// As `node --test`: a failed or cancelled test fails the run; spec on a terminal, tap otherwise.
tests.on('test:fail', () => {
  process.exitCode = 1;
});
tests.compose(process.stdout.isTTY ? spec : tap).pipe(process.stdout);
