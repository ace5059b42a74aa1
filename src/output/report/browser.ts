/* eslint-disable @typescript-eslint/no-explicit-any */
import type { ReportData } from './data.js';

/**
 * Runs in the browser: builds the page from the run's data. It is sent as its own source text
 * (Function.prototype.toString), so it must use nothing from outside its body but its arguments.
 */
export function renderReport(data: ReportData, Chart: any, document: any): void {
  const COLORS: Record<string, string> = { ok: '#2e7d32', changed: '#c77700', failed: '#c62828', unreachable: '#6a1b9a', skipped: '#607d8b', ignored: '#8d6e63' };
  const element = (tag: string, attributes: Record<string, string> = {}, ...children: (string | any)[]): any => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  };
  const section = (title: string, ...children: any[]) => element('section', {}, element('h2', {}, title), ...children);
  const statusOf = (cell: { status: string; ignored: boolean }) => (cell.ignored ? 'ignored' : cell.status);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const root = document.getElementById('report');

  const totals = { hosts: data.hosts.length, tasks: data.tasks.length, failed: 0, unreachable: 0, changed: 0 };
  for (const stats of Object.values(data.recap)) {
    totals.failed += stats.failed > 0 ? 1 : 0;
    totals.unreachable += stats.unreachable > 0 ? 1 : 0;
    totals.changed += stats.changed;
  }
  const outcome = totals.failed > 0 ? 'failed' : totals.unreachable > 0 ? 'unreachable' : 'ok';
  root.append(
    element('header', {},
      element('h1', {}, `betif-play run: ${data.playbook}`),
      element('p', { class: `badge ${outcome}` }, outcome === 'ok' ? 'all hosts ok' : `${totals.failed} host(s) failed, ${totals.unreachable} unreachable`),
      element('p', {}, `${data.started} · ${seconds(data.durationMs)} · ${totals.hosts} hosts · ${totals.tasks} tasks · ${totals.changed} changes${data.check ? ' · check mode' : ''}${data.diff ? ' · diff' : ''}`)),
  );

  const recapRows = data.hosts.map((host) => {
    const stats: Record<string, number> = (data.recap as any)[host] ?? {};
    return element('tr', {}, element('th', {}, host), ...['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'].map((key) => element('td', { class: (stats[key] ?? 0) > 0 ? key : 'zero' }, String(stats[key] ?? 0))));
  });
  root.append(section('Recap', element('table', { id: 'recap' },
    element('thead', {}, element('tr', {}, ...['host', 'ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'].map((name) => element('th', {}, name)))),
    element('tbody', {}, ...recapRows))));

  const canvas = element('canvas', { id: 'timeline' });
  root.append(section('Timeline', element('div', { class: 'chart', style: `height: ${Math.max(160, 40 + data.hosts.length * 28)}px` }, canvas)));
  const datasets = Object.keys(COLORS).map((status) => ({
    label: status,
    backgroundColor: COLORS[status],
    borderSkipped: false,
    barPercentage: 0.8,
    data: data.tasks.flatMap((task) => Object.entries(task.hosts).filter(([, cell]) => statusOf(cell) === status).map(([host, cell]) => ({ x: [cell.start / 1000, Math.max(cell.end, cell.start + 5) / 1000], y: host, task: task.title }))),
  })).filter((dataset) => dataset.data.length > 0);
  new Chart(canvas, {
    type: 'bar',
    data: { labels: data.hosts, datasets },
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { type: 'linear', title: { display: true, text: 'seconds since the start of the run' } }, y: { stacked: true } },
      plugins: { tooltip: { callbacks: { label: (item: any) => `${item.raw.task}: ${(item.raw.x[1] - item.raw.x[0]).toFixed(2)} s (${item.dataset.label})` } } },
    },
  });

  const matrix = element('table', { id: 'matrix' }, element('thead', {}, element('tr', {}, element('th', {}, 'task'), ...data.hosts.map((host) => element('th', { class: 'host' }, host)))));
  const body = element('tbody');
  let play = '';
  for (const task of data.tasks) {
    if (task.play !== play) {
      play = task.play;
      body.append(element('tr', { class: 'play' }, element('th', { colspan: String(data.hosts.length + 1) }, `PLAY ${play}`)));
    }
    body.append(element('tr', {}, element('th', { title: task.where }, task.title), ...data.hosts.map((host) => {
      const cell = task.hosts[host];
      if (!cell) return element('td', { class: 'none' }, '');
      const status = statusOf(cell);
      return element('td', { class: status, title: `${host}: ${status}${cell.msg ? ` — ${cell.msg}` : ''} (${seconds(cell.end - cell.start)})` }, status);
    })));
  }
  matrix.append(body);
  root.append(section('Tasks by host', matrix));

  const troubles = data.tasks.flatMap((task) => Object.entries(task.hosts).filter(([, cell]) => cell.result !== undefined).map(([host, cell]) =>
    element('details', { open: '', class: cell.status }, element('summary', {}, `${cell.status}: [${host}] ${task.title} (${task.where})`), element('pre', {}, JSON.stringify(cell.result, null, 2))),
  ));
  if (troubles.length > 0) root.append(section('Failed and unreachable', ...troubles));

  const diffs = data.tasks.flatMap((task) => Object.entries(task.hosts).filter(([, cell]) => cell.diff).map(([host, cell]) =>
    element('details', {}, element('summary', {}, `[${host}] ${task.title}`), element('pre', { class: 'diff' }, ...String(cell.diff).split('\n').map((line) => element('span', { class: line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '' }, `${line}\n`)))),
  ));
  if (diffs.length > 0) root.append(section('Differences', ...diffs));
}
