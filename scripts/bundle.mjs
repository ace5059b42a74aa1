/**
 * Builds the shipped CLI: src/cli/bin.ts and everything it imports bundled by esbuild into
 * dist/bundle/cli/ (bin.js starts fast: `--version` loads nothing else; a run loads one chunk).
 * The module registry's folder scan is replaced by a static list of the module files found now,
 * so adding a module stays adding one file. Type-checking and the tests keep using tsc's output.
 */
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modulesDir = join(root, 'src', 'modules');
const HELPER_FOLDERS = new Set(['shared', 'lib']);

/** The same rule as src/modules/module-files.ts: every .ts file directly inside a family folder. */
function moduleSources() {
  return readdirSync(modulesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !HELPER_FOLDERS.has(entry.name))
    .flatMap((family) => readdirSync(join(modulesDir, family.name)).filter((file) => file.endsWith('.ts')).sort().map((file) => join(modulesDir, family.name, file)));
}

const staticModuleList = {
  name: 'static-module-list',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]modules[\\/]module-files\.ts$/ }, () => {
      const files = moduleSources();
      const imports = files.map((file, index) => `import m${index} from ${JSON.stringify('./' + relative(modulesDir, file).split('\\').join('/'))};`);
      const contents = `${imports.join('\n')}\nexport async function importModules() { return [${files.map((_, index) => `m${index}`).join(', ')}]; }\n`;
      return { contents, loader: 'ts', resolveDir: modulesDir };
    });
  },
};

const result = await build({
  entryPoints: [join(root, 'src', 'cli', 'bin.ts')],
  outdir: join(root, 'dist', 'bundle', 'cli'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: { js: "import { createRequire as __betifRequire } from 'node:module'; const require = __betifRequire(import.meta.url);" },
  // ssh2 loads its optional native crypto binding from its own folder.
  external: ['ssh2'],
  plugins: [staticModuleList],
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`bundle: dist/bundle/cli/bin.js, ${moduleSources().length} modules, ${(bytes / 1024).toFixed(0)} KiB in ${Object.keys(result.metafile.outputs).length} files`);
