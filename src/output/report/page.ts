import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderReport } from './browser.js';
import type { ReportData } from './data.js';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2327; background: #f6f7f9; }
#report { max-width: 1400px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 20px; margin: 8px 0; } h2 { font-size: 16px; margin: 28px 0 8px; }
section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 4px 16px 16px; margin-top: 16px; overflow-x: auto; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; }
.badge.ok { background: #2e7d32; } .badge.failed { background: #c62828; } .badge.unreachable { background: #6a1b9a; }
table { border-collapse: collapse; } th, td { padding: 3px 8px; border-bottom: 1px solid #eceff1; text-align: left; white-space: nowrap; }
#recap td { text-align: right; } td.zero { color: #9aa5ad; }
td.ok { color: #2e7d32; } td.changed { color: #c77700; } td.failed, td.unreachable { color: #fff; background: #c62828; } td.unreachable { background: #6a1b9a; }
td.skipped { color: #607d8b; } td.ignored { color: #8d6e63; } td.rescued { color: #1565c0; }
#matrix td { text-align: center; font-size: 12px; } #matrix th.host { writing-mode: vertical-rl; transform: rotate(180deg); }
tr.play th { background: #eef2f6; }
.chart { position: relative; width: 100%; }
details { margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
pre { background: #f3f4f6; padding: 8px; overflow-x: auto; font-size: 12px; }
.diff .add { color: #2e7d32; } .diff .del { color: #c62828; } .diff .hunk { color: #1565c0; }
`;

/** chart.js's browser build, read from the installed package (its exports map does not name it). */
function chartScript(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
}

/** Text safe inside <script>: no "</script>" or "<!--" can close or confuse it. */
const scriptSafe = (text: string): string => text.replace(/</g, '\\u003c');

/** One self-contained HTML page: styles, chart.js, the data and the code that draws it; nothing from the network. */
export function reportPage(data: ReportData): string {
  const title = `betif-play run: ${data.playbook}`.replace(/[<>&"]/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<div id="report"></div>
<script>${chartScript().replace(/<\/script/gi, '<\\/script')}</script>
<script>(${renderReport.toString()})(${scriptSafe(JSON.stringify(data))}, Chart, document);</script>
</body>
</html>
`;
}
