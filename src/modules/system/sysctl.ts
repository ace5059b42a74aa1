import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { NO_ATTRIBUTE_CHANGE } from '../shared/file-attributes.js';
import { probePaths, type PathProbe } from '../shared/probe.js';
import { rewrittenSysctlFile, sameSysctlValue, sysctlFileValues, sysctlValue } from './lib/sysctl-file.js';

interface SysctlArgs {
  name: string;
  value?: string | number | boolean;
  state: 'present' | 'absent';
  reload: boolean;
  sysctl_set: boolean;
  ignoreerrors: boolean;
  sysctl_file: string;
}

interface SysctlState {
  /** The running value (`sysctl -e -n`), undefined when sysctl could not read it. */
  running?: string;
  file: PathProbe;
}

const ALIASES = { name: ['key'], value: ['val'] } as const;
const C_LOCALE = { LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C' };

function args(raw: Record<string, unknown>): SysctlArgs & { wanted: string } {
  const folded = foldAliases<SysctlArgs>(raw, ALIASES);
  const name = folded.name.trim();
  if (name === '') throw new ModuleFailure('name cannot be blank');
  if (folded.state === 'present' && folded.value === undefined) throw new ModuleFailure('state is present but all of the following are missing: value');
  const wanted = folded.value === undefined ? '' : sysctlValue(folded.value);
  if (folded.state === 'present' && wanted === '') throw new ModuleFailure('value cannot be blank');
  return { ...folded, name, wanted };
}

/** procps reports some failures on stderr only, with exit code 0. */
function failedOnStderr(stderr: string): boolean {
  return /^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$/m.test(stderr);
}

async function sysctl(connection: Connection, argv: string[], failure: (output: string) => string): Promise<void> {
  const { rc, stdout, stderr } = await connection.exec(['sysctl', ...argv], { env: C_LOCALE });
  if (rc !== 0 || failedOnStderr(stderr)) throw new ModuleFailure(failure(stdout + stderr));
}

export default defineModule<Record<string, unknown>, SysctlState>({
  name: 'sysctl',
  examples: `
- name: Turn on IP forwarding now and at boot
  ansible.posix.sysctl:
    name: net.ipv4.ip_forward
    value: '1'
    sysctl_set: true
`,
  returns: {
  },
  namespace: 'ansible.posix',
  schema: {
    description: 'Sets kernel parameters in a sysctl file and, optionally, in the running kernel.',
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('name', ALIASES.name),
    properties: withAliases(
      {
        name: { type: 'string', description: 'The parameter, dotted (net.ipv4.ip_forward).' },
        value: { type: ['string', 'number', 'boolean'], description: 'The value to set.' },
        state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the parameter is present or absent in the file.' },
        reload: { type: 'boolean', default: true, description: 'Whether sysctl -p loads the file after a change.' },
        sysctl_set: { type: 'boolean', default: false, description: 'Whether the value is also set in the running kernel (and compared there).' },
        ignoreerrors: { type: 'boolean', default: false, description: 'Whether unknown keys are ignored when the file is loaded.' },
        sysctl_file: { type: 'string', minLength: 1, default: '/etc/sysctl.conf', description: 'The file the parameter is written to.' },
      },
      ALIASES,
    ),
  },
  read: async (ctx, raw) => {
    const { name, sysctl_file: path } = args(raw);
    const [running, probe] = await Promise.all([
      ctx.connection.exec(['sysctl', '-e', '-n', name], { env: C_LOCALE }),
      probePaths(ctx.connection, [path], { content: true }),
    ]);
    return { running: running.rc === 0 ? running.stdout : undefined, file: probe.paths[0] };
  },
  plan: (raw, state, ctx) => {
    const request = args(raw);
    const { name, wanted, sysctl_file: path } = request;
    const content = state.file.stat?.kind === 'file' ? (state.file.content?.toString('utf8') ?? '') : '';
    const inFile = sysctlFileValues(content).get(name);
    const present = request.state === 'present';
    // Ansible's decision, in its order: the file first, then the running value.
    const writeFile = present ? inFile !== wanted : inFile !== undefined && inFile !== '';
    let changed = writeFile || (present && request.reload && !writeFile && !sameSysctlValue(state.running, wanted));
    let setRunning = false;
    if (request.sysctl_set && present && !sameSysctlValue(state.running, wanted)) {
      changed = true;
      setRunning = state.running !== undefined;
    }
    const after = writeFile ? rewrittenSysctlFile(content, name, present ? wanted : undefined) : content;
    const ignore = request.ignoreerrors ? ['-e'] : [];
    return {
      changed,
      diff: writeFile ? [{ before: content, after, beforeHeader: path, afterHeader: path }] : [],
      result: {},
      apply: async () => {
        if (setRunning) await sysctl(ctx.connection, [...ignore, '-w', `${name}=${wanted}`], (output) => `setting ${name} failed: ${output}`);
        if (writeFile) {
          await writeFileAtomically(ctx.connection, {
            path,
            content: Buffer.from(after, 'utf8'),
            replacing: state.file.stat,
            attributes: NO_ATTRIBUTE_CHANGE,
            backup: false,
          });
        }
        if (request.reload) await sysctl(ctx.connection, [...ignore, '-p', path], (output) => `Failed to reload sysctl: ${output}`);
        return {};
      },
    };
  },
});
