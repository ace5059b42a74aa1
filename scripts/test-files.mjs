/**
 * The test files for `npm test`, longest first (so the long ones never start last and hold up the end of the run):
 * the ones named here in this order, then every other compiled test file in name order.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

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
console.log([...LONGEST_FIRST, ...rest].join('\n'));
