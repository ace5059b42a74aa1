import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/helpers/: the fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/rpm/', import.meta.url));

interface TinyPackage {
  name: string;
  version: string;
  requires?: string;
}

/** The base repository: beta needs alpha, gamma is in the devtools group, drv-* belong to the drv module's two streams. */
const BASE: TinyPackage[] = [
  { name: 'alpha', version: '1.0' },
  { name: 'beta', version: '1.0', requires: 'alpha' },
  { name: 'gamma', version: '1.0' },
  { name: 'drv-kmod', version: '590.1' },
  { name: 'drv-tools', version: '590.1' },
  { name: 'drv-kmod', version: '580.2' },
  { name: 'drv-tools', version: '580.2' },
];

/** The updates repository: everything in base, plus a security update of alpha and a bug fix of gamma. */
const UPDATES: TinyPackage[] = [...BASE, { name: 'alpha', version: '1.1' }, { name: 'gamma', version: '1.1' }];

export interface RpmRepos {
  /** Folders holding a createrepo_c repository each (use as file:// baseurl). */
  base: string;
  updates: string;
}

async function run(file: string, args: string[]): Promise<void> {
  const result = await execa(file, args, { reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.exitCode}):\n${result.all}`);
}

async function buildPackage(work: string, pkg: TinyPackage): Promise<string> {
  const defines = { _topdir: join(work, 'build'), _rpmdir: join(work, 'rpms'), pkg: pkg.name, ver: pkg.version, ...(pkg.requires ? { requires: pkg.requires } : {}) };
  await run('rpmbuild', ['-bb', '--quiet', ...Object.entries(defines).flatMap(([key, value]) => ['--define', `${key} ${value}`]), join(FIXTURES, 'tiny.spec')]);
  return join(work, 'rpms', 'noarch', `${pkg.name}-${pkg.version}-1.noarch.rpm`);
}

async function buildRepo(work: string, dir: string, packages: TinyPackage[], extraMetadata: Record<string, string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const pkg of packages) {
    const rpm = join(work, 'rpms', 'noarch', `${pkg.name}-${pkg.version}-1.noarch.rpm`);
    cpSync(existsSync(rpm) ? rpm : await buildPackage(work, pkg), join(dir, `${pkg.name}-${pkg.version}-1.noarch.rpm`));
  }
  await run('createrepo_c', ['--quiet', '--groupfile', join(FIXTURES, 'comps.xml'), dir]);
  for (const [type, file] of Object.entries(extraMetadata)) await run('modifyrepo_c', ['--mdtype', type, join(FIXTURES, file), join(dir, 'repodata')]);
}

function fixturesDigest(): string {
  const hash = createHash('sha256').update(JSON.stringify(UPDATES));
  for (const file of readdirSync(FIXTURES).sort()) hash.update(file).update(readFileSync(join(FIXTURES, file)));
  return hash.digest('hex').slice(0, 16);
}

let built: Promise<RpmRepos> | undefined;

/**
 * Builds the tiny test RPMs and the two repositories once, cached in the temp folder under a
 * digest of the fixtures (rebuilt only when they change).
 */
export function rpmRepos(): Promise<RpmRepos> {
  built ??= (async () => {
    const cache = join(tmpdir(), `betif-rpm-repos-${fixturesDigest()}`);
    const repos = { base: join(cache, 'base'), updates: join(cache, 'updates') };
    if (existsSync(cache)) return repos;
    const work = mkdtempSync(join(tmpdir(), 'betif-rpm-build-'));
    try {
      await buildRepo(work, join(work, 'repos', 'base'), BASE, { modules: 'modules.yaml' });
      await buildRepo(work, join(work, 'repos', 'updates'), UPDATES, { modules: 'modules.yaml', updateinfo: 'updateinfo.xml' });
      try {
        renameSync(join(work, 'repos'), cache);
      } catch (error) {
        // Another test process finished the same build first.
        if (!existsSync(cache)) throw error;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return repos;
  })();
  return built;
}

/** The repo file of the one test repository, `local`, served from `baseurl`. */
export function localRepoFile(baseurl: string): string {
  return `[local]\nname=BETIF test repository\nbaseurl=${baseurl}\nenabled=1\ngpgcheck=0\n`;
}

/** An empty installroot whose etc/yum.repos.d/local.repo points at a repository folder. */
export function makeInstallroot(repo: string, root = mkdtempSync(join(tmpdir(), 'betif-dnf-root-'))): string {
  pointInstallrootAt(root, repo);
  return root;
}

/** Rewrites the installroot's local.repo to serve another repository folder. */
export function pointInstallrootAt(root: string, repo: string): void {
  mkdirSync(join(root, 'etc', 'yum.repos.d'), { recursive: true });
  writeFileSync(join(root, 'etc', 'yum.repos.d', 'local.repo'), localRepoFile(`file://${repo}`));
}
