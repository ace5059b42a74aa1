/** The dnf arguments that say where and with which configuration dnf works. */
export interface DnfSetup {
  installroot: string;
  releasever?: string;
  conf_file?: string;
  setopt: Record<string, string | number | boolean>;
  enablerepo: string[];
  disablerepo: string[];
  disable_gpg_check: boolean;
}

/** dnf's global options for this setup; repositories are disabled before others are enabled, so `'*'` then `local` works. */
function globalOptions(setup: DnfSetup): string[] {
  return [
    ...(setup.installroot === '/' ? [] : [`--installroot=${setup.installroot}`]),
    ...(setup.releasever === undefined ? [] : [`--releasever=${setup.releasever}`]),
    ...(setup.conf_file === undefined ? [] : [`--config=${setup.conf_file}`]),
    ...Object.entries(setup.setopt).map(([key, value]) => `--setopt=${key}=${String(value)}`),
    ...setup.disablerepo.map((repo) => `--disablerepo=${repo}`),
    ...setup.enablerepo.map((repo) => `--enablerepo=${repo}`),
    ...(setup.disable_gpg_check ? ['--nogpgcheck'] : []),
  ];
}

/** `dnf [global options] WORDS... -- SPECS...`: specs after `--` are never read as options. */
export function dnfArgv(setup: DnfSetup, words: readonly string[], specs: readonly string[] = []): string[] {
  return ['dnf', ...globalOptions(setup), ...words, ...(specs.length ? ['--', ...specs] : [])];
}

/** `rpm -q` in the same root as dnf. */
export function rpmQueryArgv(setup: DnfSetup, format: string, names: readonly string[]): string[] {
  return ['rpm', ...(setup.installroot === '/' ? [] : ['--root', setup.installroot]), '-q', '--qf', format, '--', ...names];
}
