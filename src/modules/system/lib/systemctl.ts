import type { Connection } from '../../../connection/types.js';
import { shellScript } from '../../../connection/quote.js';
import { ModuleFailure } from '../../contract.js';

export type SystemdScope = 'system' | 'user' | 'global';

/** systemctl options that come before the verb: scope and the user's blocking / force choices. */
export interface SystemctlFlags {
  scope?: SystemdScope;
  no_block?: boolean;
  force?: boolean;
}

function systemctlOptions(flags: SystemctlFlags): string[] {
  return [
    ...(flags.scope && flags.scope !== 'system' ? [`--${flags.scope}`] : []),
    ...(flags.no_block ? ['--no-block'] : []),
    ...(flags.force ? ['--force'] : []),
  ];
}

export function systemctlArgv(flags: SystemctlFlags, ...verbAndArgs: string[]): string[] {
  return ['systemctl', ...systemctlOptions(flags), ...verbAndArgs];
}

const SHOWN_PROPERTIES = ['LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'LoadError'];

/** What the target's systemd says about one unit. */
export interface UnitState {
  /** `systemctl show` properties, e.g. { LoadState: 'loaded', ActiveState: 'active', ... }. */
  status: Record<string, string>;
  /** `systemctl is-enabled` output ("enabled", "disabled", "masked", "static" ...; "" for an unknown unit). */
  enablement: string;
  /** Whether is-enabled exited 0 (enabled, static, ...). */
  enabledRc: boolean;
}

/**
 * $1 unit ('' for none), $2 / $3 "yes" to run daemon-reload / daemon-reexec, $4 the properties, then systemctl options.
 * Daemon reloads run first, so the state read is the one systemd will act on.
 */
const READ_SCRIPT = `
unit=$1 reload=$2 reexec=$3 properties=$4; shift 4
daemon() {
  verb=$1; shift
  output=$(systemctl "$@" "$verb" 2>&1); rc=$?
  if [ "$rc" -ne 0 ]; then printf 'failed\\0%s\\0%s\\0%s\\0' "$rc" "$verb" "$output"; exit 0; fi
}
if [ "$reload" = yes ]; then daemon daemon-reload "$@"; fi
if [ "$reexec" = yes ]; then daemon daemon-reexec "$@"; fi
if [ -z "$unit" ]; then printf 'ok\\0'; exit 0; fi
show=$(systemctl "$@" show "--property=$properties" -- "$unit" 2>&1); show_rc=$?
enablement=$(systemctl "$@" is-enabled -- "$unit" 2>/dev/null); enabled_rc=$?
printf 'ok\\0%s\\0%s\\0%s\\0%s\\0' "$show_rc" "$show" "$enablement" "$enabled_rc"
`;

/** `Key=value` lines; anything else (a warning on stderr) is not a property. */
function parseShow(output: string): Record<string, string> {
  const status: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const property = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (property) status[property[1]] = property[2].trim();
  }
  return status;
}

export interface ReadUnitRequest extends SystemctlFlags {
  unit?: string;
  daemonReload: boolean;
  daemonReexec: boolean;
}

/** One round trip: the daemon reloads asked for (skipped in check mode by the caller), then the unit's state. */
export async function readUnit(connection: Connection, request: ReadUnitRequest): Promise<UnitState | undefined> {
  const script = shellScript(READ_SCRIPT, [
    request.unit ?? '',
    request.daemonReload ? 'yes' : '',
    request.daemonReexec ? 'yes' : '',
    SHOWN_PROPERTIES.join(','),
    ...systemctlOptions(request),
  ]);
  const { rc, stdout, stderr } = await connection.exec(script);
  const [outcome, ...fields] = stdout.split('\0');
  if (rc !== 0 || (outcome !== 'ok' && outcome !== 'failed')) {
    throw new ModuleFailure(`could not query systemd: ${stderr.trim() || stdout.trim() || `rc ${rc}`}`);
  }
  if (outcome === 'failed') throw new ModuleFailure(`failure ${fields[0]} during ${fields[1]}: ${fields[2].trim()}`);
  if (request.unit === undefined) return undefined;
  const [showRc, show, enablement, enabledRc] = fields;
  if (showRc !== '0') throw new ModuleFailure(`systemctl show ${request.unit} failed: ${show.trim()}`);
  return { status: parseShow(show), enablement: enablement.trim(), enabledRc: enabledRc === '0' };
}
