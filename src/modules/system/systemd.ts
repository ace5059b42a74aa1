import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { readUnit, systemctlArgv, type SystemctlFlags, type UnitState } from './lib/systemctl.js';

type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

interface SystemdArgs extends SystemctlFlags {
  name?: string;
  state?: ServiceState;
  enabled?: boolean;
  masked?: boolean;
  daemon_reload: boolean;
  daemon_reexec: boolean;
}

const RUNNING = new Set(['active', 'activating']);

/** The systemctl verb that brings the unit from its ActiveState to the requested state, if any. */
function stateVerb(wanted: ServiceState, activeState: string): string | undefined {
  const running = RUNNING.has(activeState);
  switch (wanted) {
    case 'started':
      return running ? undefined : 'start';
    case 'stopped':
      return running || activeState === 'deactivating' ? 'stop' : undefined;
    case 'restarted':
      return running ? 'restart' : 'start';
    case 'reloaded':
      return running ? 'reload' : 'start';
  }
}

function checkRequest(args: SystemdArgs): void {
  if (args.state === undefined && args.enabled === undefined && args.masked === undefined && !args.daemon_reload && !args.daemon_reexec) {
    throw new ModuleFailure('one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec');
  }
  const glob = args.name?.match(/[*?[]/);
  if (glob) throw new ModuleFailure(`This module does not currently support using glob patterns, found '${glob[0]}' in service name: ${args.name}`);
}

export default defineModule<SystemdArgs, UnitState | undefined>({
  name: 'systemd',
  examples: `
- name: Start and enable nginx
  ansible.builtin.systemd:
    name: nginx
    state: started
    enabled: true

- name: Pick up a changed unit file and restart
  ansible.builtin.systemd:
    name: app
    state: restarted
    daemon_reload: true
`,
  returns: {
    name: { type: 'str', returned: 'when name is given', description: 'The unit.' },
    state: { type: 'str', returned: 'when state is given', description: 'The state asked for.' },
    enabled: { type: 'bool', returned: 'when enabled is given', description: 'Whether the unit is enabled.' },
    status: { type: 'dict', returned: 'when name is given', description: "The unit's properties as systemctl show gives them." },
  },
  aliases: ['systemd_service', 'ansible.builtin.systemd_service', 'service', 'ansible.builtin.service'],
  schema: {
    description: 'Starts, stops, restarts, enables and masks systemd units, and reloads systemd.',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The unit, e.g. nginx or nginx.service.' },
      state: { enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'Whether the unit is started, stopped, restarted or reloaded.' },
      enabled: { type: 'boolean', description: 'Whether the unit starts at boot.' },
      masked: { type: 'boolean', description: 'Whether the unit is masked so it cannot start.' },
      daemon_reload: { type: 'boolean', default: false, description: 'Whether systemd reloads its unit files first.' },
      daemon_reexec: { type: 'boolean', default: false, description: 'Whether systemd re-executes itself first.' },
      scope: { enum: ['system', 'user', 'global'], default: 'system', description: 'Whose systemd is used - system, user or global.' },
      no_block: { type: 'boolean', default: false, description: 'Whether systemctl returns without waiting for the job.' },
      force: { type: 'boolean', description: 'Whether enabling overrides existing symlinks.' },
    },
    dependencies: { state: ['name'], enabled: ['name'], masked: ['name'] },
    additionalProperties: false,
  },

  async read(ctx, args) {
    checkRequest(args);
    // Ansible runs the daemon reloads whatever the unit's state, and does not count them as a change.
    return readUnit(ctx.connection, {
      ...args,
      unit: args.name,
      daemonReload: args.daemon_reload && !ctx.check,
      daemonReexec: args.daemon_reexec && !ctx.check,
    });
  },

  plan(args, unit, ctx) {
    const name = args.name;
    if (name === undefined || unit === undefined) return { changed: false, result: { name: name ?? null, status: {} } };
    const { status } = unit;
    const found = status.LoadState !== undefined && status.LoadState !== 'not-found';
    const masked = status.LoadState === 'masked';
    if (found && !masked && status.LoadError) throw new ModuleFailure(`Error loading unit file '${name}': ${status.LoadError}`);
    const requireFound = (): void => {
      if (!found) throw new ModuleFailure(`Could not find the requested service ${name}: host`);
    };

    const verbs: string[] = [];
    const result: ModuleResult = { name, status };
    if (args.masked !== undefined && args.masked !== (unit.enablement === 'masked')) {
      verbs.push(args.masked ? 'mask' : 'unmask');
    }
    if (args.enabled !== undefined) {
      requireFound();
      const enabled = unit.enabledRc && unit.enablement !== 'indirect' && unit.enablement !== 'alias';
      if (enabled !== args.enabled) verbs.push(args.enabled ? 'enable' : 'disable');
      result.enabled = args.enabled;
    }
    if (args.state !== undefined) {
      requireFound();
      if (status.ActiveState === undefined) throw new ModuleFailure('Service is in unknown state', { status });
      const verb = stateVerb(args.state, status.ActiveState);
      if (verb) verbs.push(verb);
      result.state = args.state === 'stopped' ? 'stopped' : 'started';
    }

    return {
      changed: verbs.length > 0,
      result,
      apply: async () => {
        for (const [done, verb] of verbs.entries()) {
          const { rc, stdout, stderr } = await ctx.connection.exec(systemctlArgv(args, verb, '--', name));
          if (rc === 0) continue;
          if (!found) throw new ModuleFailure(`Could not find the requested service ${name}: host`, { changed: done > 0 });
          throw new ModuleFailure(`Unable to ${verb} service ${name}: ${(stdout + stderr).trim()}`, { name, changed: done > 0 });
        }
        return {};
      },
    };
  },
});
