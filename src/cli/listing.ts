import type { Playbook, TaskNode } from '../playbook/types.js';
import { playHosts } from '../runner/play.js';
import type { RunContext } from '../runner/state.js';
import { renderedTags, selectedByTags } from '../runner/tags.js';
import { createTemplar } from '../template/templar.js';

function tagList(tags: readonly string[]): string {
  return `TAGS: [${[...tags].sort().join(', ')}]`;
}

/** The tasks --tags and --skip-tags select, as ansible-playbook lists them: tags rendered with the play's variables. */
function taskLines(nodes: readonly TaskNode[], indent: string, run: RunContext, render: (text: string) => unknown): string[] {
  return nodes.flatMap((node) => {
    if (node.kind === 'block') return [...node.block, ...node.rescue, ...node.always].flatMap((child) => taskLines([child], indent, run, render));
    const tags = [...new Set(renderedTags(node.tags, render))];
    if (!selectedByTags(tags, run.options.tags, run.options.skipTags)) return [];
    const name = node.name ?? (node.kind === 'action' ? node.action : node.kind);
    const title = node.role ? `${node.role.name} : ${name}` : name;
    return [`${indent}${title}\t${tagList(tags)}`];
  });
}

function allTags(nodes: readonly TaskNode[]): string[] {
  return nodes.flatMap((node) => (node.kind === 'block' ? [...node.tags, ...allTags(node.block), ...allTags(node.rescue), ...allTags(node.always)] : node.tags));
}

function playTags(tags: unknown): string[] {
  if (tags === undefined || tags === null) return [];
  return Array.isArray(tags) ? tags.map(String) : String(tags).split(',').map((tag) => tag.trim());
}

/** --list-hosts, --list-tasks and --list-tags, in ansible-playbook's layout. */
export function listing(playbook: Playbook, run: RunContext, what: { hosts: boolean; tasks: boolean; tags: boolean }): string {
  const lines = ['', `playbook: ${playbook.path}`];
  playbook.plays.forEach((play, index) => {
    lines.push('', `  play #${index + 1} (${play.hosts}): ${play.name}\t${tagList(play.keywords.tags ? [String(play.keywords.tags)] : [])}`);
    if (what.hosts) {
      const hosts = playHosts(run, play);
      lines.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map((host) => `      ${host}`));
    }
    const nodes = [...play.preTasks, ...play.tasks, ...play.postTasks];
    const templar = createTemplar({ ...play.vars, ...run.options.extraVars });
    if (what.tasks) lines.push('    tasks:', ...taskLines(nodes, '      ', run, (text) => templar.render(text)));
    if (what.tags) lines.push(`      TASK TAGS: [${[...new Set([...playTags(play.keywords.tags), ...allTags(nodes)])].sort().join(', ')}]`);
  });
  return `${lines.join('\n')}\n`;
}
