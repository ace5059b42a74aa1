import { execa } from 'execa';
import { join } from 'node:path';
import { betifPlay } from '../../helpers/cli.js';

export type Tool = 'ansible' | 'betif';

export interface ToolOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ToolSettings {
  ansibleConfig: string;
  knownHostsPath: string;
}

const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';

/** Runs playbook.yml of the workspace with one tool, as a user would from the case folder. */
export async function runTool(tool: Tool, workspace: string, args: string[], env: Record<string, string>, settings: ToolSettings): Promise<ToolOutput> {
  const common = ['playbook.yml', '-i', join('inventory', 'hosts.ini'), ...args];
  if (tool === 'betif') return betifPlay([...common, '--known-hosts', settings.knownHostsPath], { cwd: workspace, env });
  const result = await execa(ANSIBLE_PLAYBOOK, common, {
    cwd: workspace,
    env: { ...env, ANSIBLE_CONFIG: settings.ansibleConfig, ANSIBLE_NOCOLOR: '1' },
    reject: false,
    stdin: 'ignore',
  });
  return { code: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}
