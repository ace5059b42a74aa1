import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface TinyDeb {
  name: string;
  version: string;
  depends?: string;
  recommends?: string;
  provides?: string;
  /** A configuration file it ships (a dpkg conffile, left behind by remove, deleted by purge). */
  conffile?: string;
}

/** The base repository: beta needs alpha, delta recommends epsilon, mta provides mail-agent, conf has a conffile. */
const BASE: TinyDeb[] = [
  { name: 'alpha', version: '1.0' },
  { name: 'beta', version: '1.0', depends: 'alpha' },
  { name: 'gamma', version: '1.0' },
  { name: 'delta', version: '1.0', recommends: 'epsilon' },
  { name: 'epsilon', version: '1.0' },
  { name: 'conf', version: '1.0', conffile: '/etc/tiny/conf.conf' },
  { name: 'mta', version: '1.0', provides: 'mail-agent' },
];

/** The updates repository: everything in base, plus newer alpha and gamma. */
const UPDATES: TinyDeb[] = [...BASE, { name: 'alpha', version: '1.1' }, { name: 'gamma', version: '1.1' }];

/** A backports suite (NotAutomatic, as Debian's): only installed from with default_release. */
const BACKPORTS: TinyDeb[] = [{ name: 'alpha', version: '2.0' }];

/** A package in no repository, installed from its file with `deb:`; its dependency comes from the repository. */
const LOCAL: TinyDeb = { name: 'zeta', version: '1.0', depends: 'alpha' };

export interface DebRepos {
  /** Folders holding a flat apt repository each (`deb [trusted=yes] file:DIR ./`). */
  base: string;
  updates: string;
  backports: string;
  /** zeta_1.0_all.deb, in no repository. */
  localDeb: string;
}

async function run(file: string, args: string[], cwd?: string): Promise<string> {
  const result = await execa(file, args, { reject: false, all: true, cwd });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.exitCode}):\n${result.all}`);
  return result.stdout;
}

async function buildDeb(work: string, pkg: TinyDeb, out: string): Promise<void> {
  const dir = join(work, `${pkg.name}_${pkg.version}`);
  mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
  mkdirSync(join(dir, 'usr', 'share', 'doc', pkg.name), { recursive: true });
  writeFileSync(join(dir, 'usr', 'share', 'doc', pkg.name, 'README'), `${pkg.name} ${pkg.version}\n`);
  const control = [
    `Package: ${pkg.name}`,
    `Version: ${pkg.version}`,
    'Architecture: all',
    'Maintainer: betif tests <tests@betif.invalid>',
    ...(pkg.depends ? [`Depends: ${pkg.depends}`] : []),
    ...(pkg.recommends ? [`Recommends: ${pkg.recommends}`] : []),
    ...(pkg.provides ? [`Provides: ${pkg.provides}`] : []),
    `Description: tiny test package ${pkg.name}`,
  ];
  writeFileSync(join(dir, 'DEBIAN', 'control'), `${control.join('\n')}\n`);
  if (pkg.conffile) {
    mkdirSync(join(dir, pkg.conffile, '..'), { recursive: true });
    writeFileSync(join(dir, pkg.conffile), `# ${pkg.name}\n`);
    writeFileSync(join(dir, 'DEBIAN', 'conffiles'), `${pkg.conffile}\n`);
  }
  await run('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', dir, out]);
}

/** A flat repository: the .debs, Packages(.gz) from dpkg-scanpackages, and a Release apt checks them against. */
async function buildRepo(work: string, dir: string, packages: TinyDeb[], release: Record<string, string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const pkg of packages) await buildDeb(work, pkg, join(dir, `${pkg.name}_${pkg.version}_all.deb`));
  const index = await run('dpkg-scanpackages', ['--multiversion', '.'], dir);
  writeFileSync(join(dir, 'Packages'), `${index}\n`);
  writeFileSync(join(dir, 'Packages.gz'), gzipSync(readFileSync(join(dir, 'Packages'))));
  const sums = ['Packages', 'Packages.gz'].map((file) => {
    const sha = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
    return ` ${sha} ${statSync(join(dir, file)).size} ${file}`;
  });
  const fields = { Origin: 'betif', Label: 'betif', ...release, Date: 'Thu, 01 Jan 2026 00:00:00 UTC', Architectures: 'all amd64' };
  writeFileSync(join(dir, 'Release'), `${Object.entries(fields).map(([key, value]) => `${key}: ${value}`).join('\n')}\nSHA256:\n${sums.join('\n')}\n`);
}

function digest(): string {
  return createHash('sha256').update(JSON.stringify([UPDATES, BACKPORTS, LOCAL, readFileSync(new URL(import.meta.url))])).digest('hex').slice(0, 16);
}

let built: Promise<DebRepos> | undefined;

/** Builds the tiny .debs and the repositories once, cached in the temp folder under a digest of their definition. */
export function debRepos(): Promise<DebRepos> {
  built ??= (async () => {
    const cache = join(tmpdir(), `betif-deb-repos-${digest()}`);
    const repos = { base: join(cache, 'base'), updates: join(cache, 'updates'), backports: join(cache, 'backports'), localDeb: join(cache, 'local', 'zeta_1.0_all.deb') };
    if (existsSync(cache)) return repos;
    const work = mkdtempSync(join(tmpdir(), 'betif-deb-build-'));
    try {
      const out = join(work, 'repos');
      await buildRepo(join(work, 'b1'), join(out, 'base'), BASE, { Suite: 'stable', Codename: 'tiny' });
      await buildRepo(join(work, 'b2'), join(out, 'updates'), UPDATES, { Suite: 'stable', Codename: 'tiny' });
      await buildRepo(join(work, 'b3'), join(out, 'backports'), BACKPORTS, { Suite: 'tiny-backports', Codename: 'tiny-backports', NotAutomatic: 'yes', ButAutomaticUpgrades: 'yes' });
      mkdirSync(join(out, 'local'));
      await buildDeb(join(work, 'b4'), LOCAL, join(out, 'local', 'zeta_1.0_all.deb'));
      try {
        renameSync(out, cache);
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

/** The variables that point apt and dpkg at a private root (a task's `environment:`). */
export function aptRootEnvironment(root: string): Record<string, string> {
  return { APT_CONFIG: join(root, 'etc', 'apt', 'betif-root.conf'), DPKG_ROOT: root };
}

/**
 * An empty private root for apt and dpkg: its own sources (the given repository folders, as the
 * host sees them), lists, cache and dpkg database, so the machine's own packages are never touched.
 * `hostPath` maps a folder as the host sees it to where this process finds it (a lab host's root).
 */
export function makeAptRoot(repos: string[], root = mkdtempSync(join(tmpdir(), 'betif-apt-root-')), hostPath = (path: string) => path): string {
  const local = hostPath(root);
  for (const dir of ['etc/apt/apt.conf.d', 'etc/apt/preferences.d', 'etc/apt/sources.list.d', 'etc/apt/trusted.gpg.d', 'var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/log/apt', 'var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers']) {
    mkdirSync(join(local, dir), { recursive: true });
  }
  writeFileSync(join(local, 'var', 'lib', 'dpkg', 'status'), '');
  pointAptRootAt(root, repos, hostPath);
  // Downloads run as root: the sandbox user could not read a test's temp folders.
  writeFileSync(join(local, 'etc', 'apt', 'betif-root.conf'), `Dir "${root}/";\nDir::State::status "${root}/var/lib/dpkg/status";\nAPT::Sandbox::User "root";\n`);
  // A cache that was never updated looks old (apt's age stamp is the lists folder's mtime, in seconds).
  const epoch = new Date('2026-01-01T00:00:00Z');
  utimesSync(join(local, 'var', 'lib', 'apt', 'lists'), epoch, epoch);
  return root;
}

/** Rewrites the root's sources.list to serve other repository folders. */
export function pointAptRootAt(root: string, repos: string[], hostPath = (path: string) => path): void {
  writeFileSync(join(hostPath(root), 'etc', 'apt', 'sources.list'), repos.map((repo) => `deb [trusted=yes] file:${repo} ./\n`).join(''));
}
