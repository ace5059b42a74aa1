import { defineModule, type FileDiff, type ModuleResult } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { planConfig, RKE2_CONFIG_PATH, type Rke2Config } from './lib/rke2-config.js';
import { driveService, readRke2Host, runInstaller, runUninstaller, type Rke2Host } from './lib/rke2-host.js';

interface Rke2Args {
  role: 'server' | 'agent';
  config?: Rke2Config;
  version?: string;
  channel?: string;
  install_script: string;
  method?: 'rpm' | 'tar';
  tar_prefix?: string;
  state: 'started' | 'stopped' | 'absent';
  timeout: number;
}

const RUNNING = new Set(['active', 'activating', 'reloading']);

/** Whether the installed version is the one asked for: an exact version, or a minor channel such as v1.30. */
function versionMatches(installed: string | undefined, args: Rke2Args): boolean {
  if (installed === undefined) return false;
  if (args.version !== undefined) return installed === args.version;
  if (args.channel !== undefined && /^v\d+\.\d+$/.test(args.channel)) return installed.startsWith(`${args.channel}.`);
  return true;
}

function installerEnv(args: Rke2Args): Record<string, string> {
  const env: Record<string, string> = { INSTALL_RKE2_TYPE: args.role };
  if (args.version !== undefined) env.INSTALL_RKE2_VERSION = args.version;
  if (args.channel !== undefined) env.INSTALL_RKE2_CHANNEL = args.channel;
  if (args.method !== undefined) env.INSTALL_RKE2_METHOD = args.method;
  if (args.tar_prefix !== undefined) env.INSTALL_RKE2_TAR_PREFIX = args.tar_prefix;
  return env;
}

function joinResult(host: Pick<Rke2Host, 'token' | 'kubeconfig'>): ModuleResult {
  return host.token === undefined ? {} : { token: host.token, kubeconfig: host.kubeconfig };
}

function versionDiff(installed: string | undefined, args: Rke2Args): FileDiff {
  const wanted = args.version ?? `latest of channel ${args.channel ?? 'stable'}`;
  return { before: installed === undefined ? '' : `rke2 ${installed}\n`, after: `rke2 ${wanted}\n`, beforeHeader: 'rke2 version' };
}

export default defineModule<Rke2Args, Rke2Host>({
  name: 'rke2',
  examples: `
- name: Set up the server
  betif.platform.rke2:
    role: server
    version: v1.30.4+rke2r1
    config:
      write-kubeconfig-mode: '0600'
      tls-san: [k8s.example.com]
  register: rke2_server

- name: Join an agent
  betif.platform.rke2:
    role: agent
    config:
      server: https://10.0.0.10:9345
      token: "{{ hostvars['master'].rke2_server.token }}"
`,
  returns: {
    version: { type: 'str', returned: 'always', description: 'The installed RKE2 version (null when absent).' },
    token: { type: 'str', returned: 'role is server and running', description: 'The cluster join token (masked in all output).' },
    kubeconfig: { type: 'str', returned: 'role is server and running', description: 'The admin kubeconfig (masked in all output).' },
  },
  namespace: 'betif.platform',
  secretResults: ['token', 'kubeconfig'],
  schema: {
    description: 'Installs, configures and runs an RKE2 server or agent, and returns the join token and kubeconfig of a server.',
    type: 'object',
    properties: {
      role: { enum: ['server', 'agent'], default: 'server', description: 'Whether the host is an RKE2 server or agent.' },
      config: { type: 'object', description: 'The content of /etc/rancher/rke2/config.yaml (written with mode 0600).' },
      version: { type: 'string', pattern: '^v\\d', description: 'The exact RKE2 version to install, e.g. v1.30.4+rke2r1.' },
      channel: { type: 'string', minLength: 1, description: 'The release channel to install from when no version is given (stable, latest, v1.30).' },
      install_script: { type: 'string', minLength: 1, default: 'https://get.rke2.io', description: 'The URL of the RKE2 install script.' },
      method: { enum: ['rpm', 'tar'], description: 'How the install script installs RKE2 (rpm or tar).' },
      tar_prefix: { type: 'string', pattern: '^/', description: 'Where a tar install puts RKE2.' },
      state: { enum: ['started', 'stopped', 'absent'], default: 'started', description: 'Whether the service is started, stopped, or RKE2 uninstalled (absent).' },
      timeout: { type: 'integer', minimum: 1, default: 300, description: 'How many seconds to wait for the service to become ready.' },
    },
    additionalProperties: false,
  },

  read(ctx, args) {
    return readRke2Host(ctx.connection, args.role, args.tar_prefix, RKE2_CONFIG_PATH);
  },

  plan(args, host, ctx) {
    const unit = `rke2-${args.role}`;
    const base: ModuleResult = { role: args.role, unit, version: host.version ?? null, ...joinResult(host) };
    if (args.state === 'absent') {
      const binary = host.binary;
      if (binary === undefined) return { changed: false, result: base };
      return {
        changed: true,
        diff: [{ before: `rke2 ${host.version ?? '(unknown version)'}\n`, after: '', beforeHeader: 'rke2 version' }],
        result: base,
        apply: async () => {
          await runUninstaller(ctx.connection, binary);
          return { version: null, token: undefined, kubeconfig: undefined };
        },
      };
    }

    const install = host.binary === undefined || !versionMatches(host.version, args);
    const config = args.config === undefined ? undefined : planConfig(args.config, host.configText, host.configMode);
    const running = RUNNING.has(host.active);
    const wantsRunning = args.state === 'started';
    let action: 'start' | 'restart' | 'stop' | undefined;
    if (wantsRunning && !running) action = 'start';
    else if (wantsRunning && (install || config?.settingsChanged)) action = 'restart';
    else if (!wantsRunning && running) action = 'stop';
    const enable = wantsRunning && host.enabled !== 'enabled';
    const changed = install || Boolean(config?.write) || action !== undefined || enable;
    if (!changed) return { changed: false, result: base };

    return {
      changed: true,
      diff: [...(install ? [versionDiff(host.version, args)] : []), ...(config?.diff ?? [])],
      result: base,
      apply: async () => {
        if (config?.write) {
          await writeFileAtomically(ctx.connection, {
            path: RKE2_CONFIG_PATH,
            content: Buffer.from(config.text),
            attributes: { changed: true, mode: '0600', owner: '', group: '', before: {}, after: {} },
            backup: false,
            createParents: true,
          });
        }
        if (install) await runInstaller(ctx.connection, args.install_script, installerEnv(args));
        const service = await driveService(ctx.connection, {
          unit,
          enable,
          action,
          waitSeconds: args.role === 'server' && wantsRunning ? args.timeout : undefined,
          tarPrefix: args.tar_prefix,
        });
        return { version: service.version ?? null, ...joinResult(service) };
      },
    };
  },
});
