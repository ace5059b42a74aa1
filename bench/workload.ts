/** The bench's 20 tasks, as a playbook task list and as the floor's one shell command per task. */

export const TASK_COUNT = 20;

export const TASKS_YAML = `
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

export const TEMPLATE = '{{ inventory_hostname }} has {{ groups["all"] | length }} peers\n';

/**
 * The same 20 steps as plain shell, one ssh command each: what the work costs with nothing but
 * ssh over an open ControlMaster (no checks beyond what makes each step idempotent, no reporting).
 */
export function floorCommands(host: string, hostCount: number): string[] {
  const conf = '/srv/bench/b/conf.ini';
  const put = (file: string, text: string, mode?: string) =>
    `[ "$(cat ${file} 2>/dev/null)" = '${text}' ] || printf '%s\\n' '${text}' > ${file}${mode ? `; chmod ${mode} ${file}` : ''}`;
  const line = (text: string) => `grep -qx '${text}' ${conf} 2>/dev/null || echo '${text}' >> ${conf}`;
  return [
    'mkdir -p /srv/bench && chmod 0755 /srv/bench',
    'mkdir -p /srv/bench/a',
    'mkdir -p /srv/bench/b',
    'mkdir -p /srv/bench/c && chmod 0750 /srv/bench/c',
    put('/srv/bench/a/one.txt', 'one', '0644'),
    put('/srv/bench/a/two.txt', 'two', '0600'),
    put('/srv/bench/b/host.txt', host),
    line('key1=value1'),
    line('key2=value2'),
    line('key3=value3'),
    '[ -e /srv/bench/c/marker1 ] || touch /srv/bench/c/marker1',
    "[ -e /srv/bench/c/marker2 ] || sh -c 'echo x > /srv/bench/c/marker2'",
    `chmod 0640 ${conf}`,
    '[ -L /srv/bench/link ] || ln -s /srv/bench/a /srv/bench/link',
    put('/srv/bench/c/templated.txt', `${host} has ${hostCount} peers`),
    `! grep -q '^obsolete=' ${conf} || sed -i '/^obsolete=/d' ${conf}`,
    'mkdir -p /srv/bench/d/e/f',
    'cmp -s /srv/bench/a/two.txt /srv/bench/d/two.copy || cp /srv/bench/a/two.txt /srv/bench/d/two.copy',
    '[ -e /srv/bench/d/marker3 ] || touch /srv/bench/d/marker3',
    'cat /etc/hostname',
  ];
}
