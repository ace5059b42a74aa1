#!/usr/bin/env node
// report-screenshot.mjs REPORT.html OUT.png [WIDTH HEIGHT] -- a screenshot of a --report page in headless Chromium
// (the README's docs/report.png is the lab demo's first run: node scripts/report-screenshot.mjs $LAB_DIR/demo/phase2.html docs/report.png).
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [report, out, width = '1400', height = '1000'] = process.argv.slice(2);
if (!report || !out) {
  console.error('usage: report-screenshot.mjs REPORT.html OUT.png [WIDTH HEIGHT]');
  process.exit(2);
}
// Flags for a sandboxed root session on a machine without network (as test/integration/report.test.ts).
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args });
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
  await page.goto(`file://${resolve(report)}`);
  await page.waitForSelector('#matrix');
  await page.screenshot({ path: out });
} finally {
  await browser.close();
}
