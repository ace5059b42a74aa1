import type { Connection } from '../../../connection/types.js';
import { shellScript } from '../../../connection/quote.js';
import { ModuleFailure } from '../../contract.js';
import { decodeBase64Text, runHostScript, type HostRecord } from '../../shared/host-script.js';

export const NODE_TOKEN_PATH = '/var/lib/rancher/rke2/server/node-token';
export const KUBECONFIG_PATH = '/etc/rancher/rke2/rke2.yaml';

/** What the target says about its rke2: the binary, its version, the config file, the unit and (servers) the join token. */
export interface Rke2Host {
  binary?: string;
  /** "v1.30.4+rke2r1", from `rke2 --version`. */
  version?: string;
  configText?: string;
  /** Permission bits in octal, e.g. "600". */
  configMode?: string;
  /** `systemctl is-active` / `is-enabled` of the role's unit ("" where systemd does not know it). */
  active: string;
  enabled: string;
  token?: string;
  kubeconfig?: string;
}

/**
 * `find_bin PREFIX` prints the rke2 binary: PREFIX/bin/rke2 when a tar prefix is given, else the first of PATH and the
 * places the installer uses (tar: /usr/local, or /opt/rke2 where /usr/local is read-only; rpm: /usr/bin).
 */
const FIND_BIN_SH = `b64() { base64 | tr -d '\\n'; }
find_bin() {
  if [ -n "$1" ]; then [ -x "$1/bin/rke2" ] && printf '%s' "$1/bin/rke2"; return 0; fi
  for candidate in "$(command -v rke2 2>/dev/null)" /usr/local/bin/rke2 /opt/rke2/bin/rke2 /usr/bin/rke2; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then printf '%s' "$candidate"; return 0; fi
  done
}
print_version() { [ -z "$1" ] || { printf 'version='; "$1" --version 2>/dev/null | head -n 1 | b64; echo; }; }
print_join() {
  if [ -s ${NODE_TOKEN_PATH} ] && [ -s ${KUBECONFIG_PATH} ]; then
    printf 'token='; b64 < ${NODE_TOKEN_PATH}; echo
    printf 'kubeconfig='; b64 < ${KUBECONFIG_PATH}; echo
  fi
}
`;

/** $1 role, $2 tar prefix, $3 unit, $4 config path. */
const READ_SCRIPT = `${FIND_BIN_SH}
bin=$(find_bin "$2")
echo "bin=$bin"
print_version "$bin"
if [ -f "$4" ]; then echo "config_mode=$(stat -c %a -- "$4")"; printf 'config='; b64 < "$4"; echo; fi
echo "active=$(systemctl is-active "$3" 2>/dev/null)"
echo "enabled=$(systemctl is-enabled "$3" 2>/dev/null)"
[ "$1" != server ] || print_join
exit 0
`;

function parseVersion(line: string | undefined): string | undefined {
  return line === undefined ? undefined : /^rke2 version (\S+)/.exec(line)?.[1];
}

function joinFields(record: HostRecord): Pick<Rke2Host, 'token' | 'kubeconfig'> {
  return { token: decodeBase64Text(record.get('token'))?.trim(), kubeconfig: decodeBase64Text(record.get('kubeconfig')) };
}

export async function readRke2Host(connection: Connection, role: string, tarPrefix: string | undefined, configPath: string): Promise<Rke2Host> {
  const { sections } = await runHostScript(connection, READ_SCRIPT, [role, tarPrefix ?? '', `rke2-${role}`, configPath]);
  const record = sections[0];
  return {
    binary: record.get('bin') || undefined,
    version: parseVersion(decodeBase64Text(record.get('version'))),
    configText: decodeBase64Text(record.get('config')),
    configMode: record.get('config_mode'),
    active: record.get('active') ?? '',
    enabled: record.get('enabled') ?? '',
    ...joinFields(record),
  };
}

/** Runs the installer ($1: URL, downloaded with curl or wget, or a path on the target) with sh, as `curl ... | sh -` does. */
const INSTALL_SCRIPT = `
case $1 in
  http://*|https://*)
    script=$(mktemp) || exit 1
    trap 'rm -f "$script"' EXIT
    if command -v curl >/dev/null 2>&1; then curl -sfL -o "$script" "$1"
    elif command -v wget >/dev/null 2>&1; then wget -qO "$script" "$1"
    else echo "neither curl nor wget is installed to download $1" >&2; exit 1
    fi || { echo "could not download $1" >&2; exit 1; }
    sh "$script" ;;
  *)
    [ -f "$1" ] || { echo "install script $1 not found on the target" >&2; exit 1; }
    sh "$1" ;;
esac
`;

export async function runInstaller(connection: Connection, installScript: string, env: Record<string, string>): Promise<string> {
  const { rc, stdout, stderr } = await connection.exec(shellScript(INSTALL_SCRIPT, [installScript]), { env });
  if (rc !== 0) throw new ModuleFailure(`the rke2 installer failed: ${stderr.trim() || stdout.trim() || `exit code ${rc}`}`, { rc, stdout, stderr });
  return stdout;
}

export interface ServiceRequest {
  unit: string;
  enable: boolean;
  action?: 'start' | 'restart' | 'stop';
  /** Servers: wait this many seconds for the join token and kubeconfig. */
  waitSeconds?: number;
  tarPrefix?: string;
}

/** $1 unit, $2 "1" to enable, $3 start|restart|stop|"", $4 seconds to wait for the join token ("" for none), $5 tar prefix. */
const SERVICE_SCRIPT = `${FIND_BIN_SH}
unit=$1
# systemctl's chatter ("Created symlink ...") is shown only when it fails.
quietly() { out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }; }
if [ "$2" = 1 ]; then quietly systemctl enable "$unit"; fi
if [ -n "$3" ]; then quietly systemctl "$3" "$unit"; fi
if [ "$3" = start ] || [ "$3" = restart ]; then
  state=$(systemctl is-active "$unit" 2>/dev/null)
  case $state in
    active|activating) ;;
    *) echo "$unit is $state after $3 (see: journalctl -u $unit)" >&2; exit 1 ;;
  esac
fi
if [ -n "$4" ]; then
  end=$(( $(date +%s) + $4 ))
  until [ -s ${NODE_TOKEN_PATH} ] && [ -s ${KUBECONFIG_PATH} ]; do
    if [ "$(date +%s)" -ge "$end" ]; then echo "timed out after $4 s waiting for ${NODE_TOKEN_PATH} and ${KUBECONFIG_PATH}" >&2; exit 1; fi
    sleep 1
  done
  print_join
fi
print_version "$(find_bin "$5")"
`;

/** Enables, starts/restarts/stops the unit, and on a server waits for the join token; returns the version and token. */
export async function driveService(connection: Connection, request: ServiceRequest): Promise<Pick<Rke2Host, 'version' | 'token' | 'kubeconfig'>> {
  const args = [request.unit, request.enable ? '1' : '0', request.action ?? '', request.waitSeconds === undefined ? '' : String(request.waitSeconds), request.tarPrefix ?? ''];
  const { sections } = await runHostScript(connection, SERVICE_SCRIPT, args);
  const record = sections[0];
  return { version: parseVersion(decodeBase64Text(record.get('version'))), ...joinFields(record) };
}

/** Runs the rke2-uninstall.sh the installer put next to the binary. */
export async function runUninstaller(connection: Connection, binary: string): Promise<void> {
  await runHostScript(connection, 'u="$(dirname -- "$1")/rke2-uninstall.sh"; [ -x "$u" ] || { echo "$u not found" >&2; exit 1; }; "$u"', [binary]);
}
