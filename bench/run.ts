/**
 * npm run bench: the same 20-task playbook on the same lab hosts, with ansible-playbook (pipelining and
 * ControlPersist on) and with betif-play, first run (changes) and second run (no change), then the ratios.
 * betif-play's runs are repeated REPS times (median), since each takes about a second.
 * Env: HOSTS (10), FORKS (10), BASEPORT (2901), REPS (3), KEEP=1 to leave the lab running.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HOSTS = Number(process.env.HOSTS ?? 10);
const FORKS = Number(process.env.FORKS ?? 10);
const BASEPORT = Number(process.env.BASEPORT ?? 2901);
const REPS = Math.max(1, Number(process.env.REPS ?? 3));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAB_DIR = join(tmpdir(), 'betif-bench-lab');
const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');

const TASKS = `
- {name: t01 dir, file: {path: /srv/bench, state: directory, mode: "0755"}}
- {name: t02 dir a, file: {path: /srv/bench/a, state: directory}}
- {name: t03 dir b, file: {path: /srv/bench/b, state: directory}}
- {name: t04 dir c, file: {path: /srv/bench/c, state: directory, mode: "0750"}}
- {name: t05 copy one, copy: {dest: /srv/bench/a/one.txt, content: "one\\n", mode: "0644"}}
- {name: t06 copy two, copy: {dest: /srv/bench/a/two.txt, content: "two\\n", mode: "0600"}}
- {name: t07 copy host, copy: {dest: /srv/bench/b/host.txt, content: "{{ inventory_hostname }}\\n"}}
- {name: t08 line key1, lineinfile: {path: /srv/bench/b/conf.ini, line: "key1=value1", create: true}}
- {name: t09 line key2, lineinfile: {path: /srv/bench/b/conf.ini, regexp: "^key2=", line: "key2=value2"}}
- {name: t10 line key3, lineinfile: {path: /srv/bench/b/conf.ini, insertafter: "^key1=", line: "key3=value3"}}
- {name: t11 cmd marker1, command: {cmd: touch /srv/bench/c/marker1, creates: /srv/bench/c/marker1}}
- {name: t12 cmd marker2, command: {cmd: "sh -c 'echo x > /srv/bench/c/marker2'", creates: /srv/bench/c/marker2}}
- {name: t13 file mode, file: {path: /srv/bench/b/conf.ini, mode: "0640"}}
- {name: t14 symlink, file: {src: /srv/bench/a, dest: /srv/bench/link, state: link}}
- {name: t15 template, template: {src: bench.j2, dest: /srv/bench/c/templated.txt}}
- {name: t16 line absent, lineinfile: {path: /srv/bench/b/conf.ini, regexp: "^obsolete=", state: absent}}
- {name: t17 deep dir, file: {path: /srv/bench/d/e/f, state: directory}}
- {name: t18 copy remote, copy: {src: /srv/bench/a/two.txt, dest: /srv/bench/d/two.copy, remote_src: true}}
- {name: t19 cmd marker3, command: {cmd: touch /srv/bench/d/marker3, creates: /srv/bench/d/marker3}}
- {name: t20 read-only cmd, command: cat /etc/hostname, changed_when: false}
`;

const TEMPLATE = '{{ inventory_hostname }} has {{ groups["all"] | length }} peers\n';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Timing {
  seconds: number;
  recap: string;
}

async function ensureAnsible(): Promise<void> {
  const installed = await execa('dpkg', ['-s', 'ansible-core'], { reject: false });
  if (installed.exitCode === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update'], { env, stdio: 'inherit' });
  await execa('apt-get', ['install', '-y', '--no-install-recommends', 'ansible-core'], { env, stdio: 'inherit' });
}

async function timed(label: string, command: string, args: string[], cwd: string, env: Record<string, string>, expectChanged: boolean): Promise<Timing> {
  const started = performance.now();
  const run = await execa(command, args, { cwd, env: { ...process.env, ...env }, reject: false, all: true });
  const seconds = (performance.now() - started) / 1000;
  const recap = (run.all ?? '').split('\n').filter((line) => /^h\d+\s+:/.test(line)).join('\n');
  if (run.exitCode !== 0) throw new Error(`${label} failed (exit ${run.exitCode}):\n${run.all}`);
  const changedHosts = recap.split('\n').filter((line) => !/changed=0\s/.test(line)).length;
  if (expectChanged ? changedHosts !== HOSTS : changedHosts !== 0) throw new Error(`${label}: unexpected changes:\n${recap}`);
  console.log(`${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s`);
  return { seconds, recap };
}

async function main(): Promise<void> {
  await ensureAnsible();
  await execa('bash', [join(ROOT, 'test', 'lab', 'up.sh'), String(HOSTS), String(BASEPORT)], { env: { ...process.env, LAB_DIR }, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'betif-bench-'));
  const resetHosts = () => {
    for (let index = 1; index <= HOSTS; index += 1) rmSync(join(LAB_DIR, 'hosts', `h${index}`, 'root', 'srv', 'bench'), { recursive: true, force: true });
  };
  try {
    writeFileSync(join(work, 'tasks.yml'), TASKS);
    writeFileSync(join(work, 'bench.j2'), TEMPLATE);
    for (const facts of [false, true]) {
      writeFileSync(join(work, `bench-facts-${facts}.yml`), `- hosts: all\n  gather_facts: ${facts}\n  tasks:\n    - import_tasks: tasks.yml\n`);
    }
    writeFileSync(join(work, 'facts-only.yml'), '- hosts: all\n  gather_facts: true\n  tasks: []\n');
    writeFileSync(join(work, 'nothing.yml'), '- hosts: all\n  gather_facts: false\n  tasks: [{ping: {}}]\n');
    writeFileSync(join(work, 'ansible.cfg'), [
      '[defaults]',
      `inventory = ${join(LAB_DIR, 'inventory.ini')}`,
      `forks = ${FORKS}`,
      'host_key_checking = True',
      'interpreter_python = /usr/bin/python3',
      'retry_files_enabled = False',
      'deprecation_warnings = False',
      '[ssh_connection]',
      'pipelining = True',
      `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${join(LAB_DIR, 'known_hosts')} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
      `control_path_dir = ${join(work, 'cp')}`,
      '',
    ].join('\n'));
    const ansibleEnv = { ANSIBLE_CONFIG: join(work, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(work, 'tmp') };
    const betif = (playbook: string, forks = FORKS) => [BIN, join(work, playbook), '-i', join(LAB_DIR, 'inventory.ini'), '--known-hosts', join(LAB_DIR, 'known_hosts'), '-f', String(forks)];
    const { stdout: version } = await execa('ansible-playbook', ['--version']);
    console.log(`${version.split('\n')[0]} vs betif-play: ${HOSTS} hosts, 20 tasks per host, forks ${FORKS}\n`);

    const results: Record<string, { ansible: number; betif: number }> = {};
    for (const facts of [false, true]) {
      const playbook = `bench-facts-${facts}.yml`;
      resetHosts();
      const ansibleFirst = await timed(`ansible-playbook facts=${facts} run 1`, 'ansible-playbook', [join(work, playbook)], work, ansibleEnv, true);
      const ansibleSecond = await timed(`ansible-playbook facts=${facts} run 2`, 'ansible-playbook', [join(work, playbook)], work, ansibleEnv, false);
      const betifFirst: number[] = [];
      const betifSecond: number[] = [];
      for (let rep = 1; rep <= REPS; rep += 1) {
        resetHosts();
        betifFirst.push((await timed(`betif-play       facts=${facts} run 1 (${rep}/${REPS})`, process.execPath, betif(playbook), work, {}, true)).seconds);
        betifSecond.push((await timed(`betif-play       facts=${facts} run 2 (${rep}/${REPS})`, process.execPath, betif(playbook), work, {}, false)).seconds);
      }
      results[`facts=${facts} first run`] = { ansible: ansibleFirst.seconds, betif: median(betifFirst) };
      results[`facts=${facts} second run`] = { ansible: ansibleSecond.seconds, betif: median(betifSecond) };
    }
    const serialFacts: number[] = [];
    const serialNothing: number[] = [];
    for (let rep = 1; rep <= REPS; rep += 1) {
      serialFacts.push((await timed(`betif-play facts only, forks 1 (${rep}/${REPS})`, process.execPath, betif('facts-only.yml', 1), work, {}, false)).seconds);
      serialNothing.push((await timed(`betif-play ping only, forks 1 (${rep}/${REPS})`, process.execPath, betif('nothing.yml', 1), work, {}, false)).seconds);
    }
    const factsPerHostMs = (Math.max(0, median(serialFacts) - median(serialNothing)) * 1000) / HOSTS;

    console.log(`\n${'run'.padEnd(26)} ${'ansible-playbook'.padStart(16)} ${'betif-play'.padStart(11)} ${'ratio'.padStart(8)}   (betif-play: median of ${REPS})`);
    for (const [label, { ansible, betif: ours }] of Object.entries(results)) {
      console.log(`${label.padEnd(26)} ${`${ansible.toFixed(2)} s`.padStart(16)} ${`${ours.toFixed(2)} s`.padStart(11)} ${`${(ansible / ours).toFixed(1)}x`.padStart(8)}`);
    }
    console.log(`\nfact gathering: ${factsPerHostMs.toFixed(1)} ms per host (facts-only play minus a ping play, forks 1, ${HOSTS} hosts)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (process.env.KEEP !== '1') await execa('bash', [join(ROOT, 'test', 'lab', 'down.sh')], { env: { ...process.env, LAB_DIR }, reject: false });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
