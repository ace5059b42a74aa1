/** What one entry of dnf's `name` asks for. */
export type DnfSpec =
  | { kind: 'package'; spec: string }
  /** '*': every installed package (state latest only). */
  | { kind: 'all'; spec: string }
  | { kind: 'group'; spec: string; group: string }
  | { kind: 'module'; spec: string; module: string; stream: string; profile?: string };

export interface InstalledPackage {
  name: string;
  /** 0 when the package has no epoch. */
  epoch: number;
  version: string;
  release: string;
  arch: string;
}

const MODULE_SPEC = /^@([^:/\s]+):([^:/\s]+)(?:\/([^:/\s]+))?$/;

/** `pkg`, `pkg-1.2`, `*`, `@group`, `@module:stream[/profile]`. */
export function parseSpec(spec: string): DnfSpec {
  if (spec === '*') return { kind: 'all', spec };
  const module = MODULE_SPEC.exec(spec);
  if (module) return { kind: 'module', spec, module: module[1], stream: module[2], profile: module[3] };
  if (spec.startsWith('@')) return { kind: 'group', spec, group: spec.slice(1) };
  return { kind: 'package', spec };
}

/** dnf's spelling: name-[epoch:]version-release.arch. */
export function nevra(pkg: InstalledPackage): string {
  return `${pkg.name}-${pkg.epoch ? `${pkg.epoch}:` : ''}${pkg.version}-${pkg.release}.${pkg.arch}`;
}

/** Module artifacts' spelling: name-epoch:version-release.arch, epoch always written. */
export function artifactName(pkg: InstalledPackage): string {
  return `${pkg.name}-${pkg.epoch}:${pkg.version}-${pkg.release}.${pkg.arch}`;
}

/** The package name of a module artifact (`drv-kmod-0:580.2-1.noarch` -> `drv-kmod`). */
export function artifactPackage(artifact: string): { name: string; arch: string } | undefined {
  const match = /^(.+)-\d+:[^-]+-[^-]+\.([^.]+)$/.exec(artifact);
  return match ? { name: match[1], arch: match[2] } : undefined;
}

/** The forms rpm and dnf accept for an installed package: N, N.A, N-V, N-V-R, N-V-R.A, with or without epoch. */
function namesOf(pkg: InstalledPackage): string[] {
  const { name, epoch, version, release, arch } = pkg;
  return [
    name,
    `${name}.${arch}`,
    `${name}-${version}`,
    `${name}-${version}-${release}`,
    `${name}-${version}-${release}.${arch}`,
    `${name}-${epoch}:${version}`,
    `${name}-${epoch}:${version}-${release}`,
    `${name}-${epoch}:${version}-${release}.${arch}`,
  ];
}

/** Whether an installed package satisfies a package spec (what `rpm -q SPEC` would report). */
export function matchesSpec(spec: string, pkg: InstalledPackage): boolean {
  return namesOf(pkg).includes(spec);
}
