// Console benchmark: the web console in Debian's Chromium against the real
// `beian serve` on an archive of 100,000 documents. Prints, for a clerk of
// 朝阳区: the first load's bytes, the time until the work queue is drawn
// (navigation start → table; cold context and warm), and the time from the
// last keystroke of a 2-character query to its results on screen (p50, p95;
// the console waits 60 ms after typing stops before it asks, which is
// included). Nothing is asserted.
//
//   node bench/console_bench.mjs [--build build] [--rows 100000] [--queries 20]
//
// The archive is made by build/bench/archive_search_bench (synthetic catalog
// rows, as in the search benchmarks; no blobs), in a temporary folder removed
// afterwards. Needs tests/browser/node_modules (scripts/deps.sh --test).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = await import(path.join(root, 'tests/browser/node_modules/playwright-core/index.mjs'));

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const build = path.resolve(option('--build', path.join(root, 'build')));
const rows = Number(option('--rows', '100000'));
const queries = Number(option('--queries', '20'));
const beian = path.join(build, 'cli/beian');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'console-bench-'));
const data = path.join(work, 'var');
let server = null;
let browser = null;

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

try {
  const started = Date.now();
  execFileSync(path.join(build, 'bench/archive_search_bench'), [data, '--rows', String(rows), '--queries', '1'],
    { stdio: 'ignore' });
  console.log(`console_bench: ${rows} documents loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  execFileSync(beian, ['--root', root, '--data', data, 'user', 'create', 'wanghong', '--role', 'bureau',
    '--district', '朝阳区', '--name', '北京市朝阳区住房和城乡建设委员会', '--display-name', '王红', '--password-stdin'],
  { input: 'wanghong-bench-1\n', stdio: ['pipe', 'ignore', 'inherit'] });

  server = spawn(beian, ['--root', root, '--data', data, 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const base = await new Promise((resolve, reject) => {
    let text = '';
    server.stderr.on('data', (chunk) => {
      text += chunk;
      const m = text.match(/serving (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', () => reject(new Error(`beian serve exited: ${text}`)));
  });

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const signin = await context.newPage();
  await signin.goto(`${base}/signin`);
  await signin.locator('input[autocomplete=username]').fill('wanghong');
  await signin.locator('input[type=password]').fill('wanghong-bench-1');
  await signin.locator('input[type=password]').press('Enter');
  await signin.waitForURL(/\/queue/);

  // The queue: a page of its own, as when a clerk opens the console; the
  // first in a browser context with an empty cache (the session's cookie
  // copied), the others with the console's files cached.
  const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await fresh.addCookies(await context.cookies());
  const queueTimes = [];
  let firstLoad = 0;
  for (let i = 0; i < 5; i++) {
    const page = await (i === 0 ? fresh : context).newPage();
    await page.goto(`${base}/queue`);
    // Nothing asked of the page until it is done: playwright's own script,
    // evaluated in the page, would take the main thread from it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await page.waitForFunction(() => performance.getEntriesByName('beian:queue-rendered').length > 0);
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const assets = performance.getEntriesByType('resource').filter((r) => new URL(r.name).pathname.startsWith('/assets/'));
      return {
        ms: performance.getEntriesByName('beian:queue-rendered')[0].startTime,
        bytes: nav.transferSize + assets.reduce((s, r) => s + r.transferSize, 0),
      };
    });
    if (i === 0) firstLoad = t.bytes;
    queueTimes.push(t.ms);
    await page.close();
  }

  // Search: type 2 characters, time to the results of that query.
  const page = await context.newPage();
  await page.goto(`${base}/search`);
  await page.locator('#search-q').waitFor();
  await page.evaluate(() => {
    window.__lastKey = 0;
    document.addEventListener('input', () => { window.__lastKey = performance.now(); }, true);
  });
  const words = ['朝阳', '望京', '物业', '公司', '家园', '花园', '管理', '服务', '北京', '小区'];
  const searchTimes = [];
  for (let i = 0; i < queries; i++) {
    const q = words[i % words.length];
    await page.fill('#search-q', '');
    await page.waitForTimeout(250);
    await page.click('#search-q');
    await page.keyboard.type(q, { delay: 40 });
    await page.waitForFunction(() => performance.getEntriesByName('beian:search-rendered').some((m) => m.startTime > window.__lastKey));
    searchTimes.push(await page.evaluate(() => {
      const mark = performance.getEntriesByName('beian:search-rendered').find((m) => m.startTime > window.__lastKey);
      return mark.startTime - window.__lastKey;
    }));
  }
  const rowsShown = await page.locator('table.table-search tbody tr').count();

  const f = (ms) => `${ms.toFixed(0)} ms`;
  console.log(`first load (HTML, CSS, JavaScript, icon): ${firstLoad} bytes (${(firstLoad / 1024).toFixed(1)} KB; budget 200 KB)`);
  console.log(`work queue drawn (navigation start → table): cold ${f(queueTimes[0])}, warm p50 ${f(percentile(queueTimes.slice(1), 50))} (budget 300 ms)`);
  console.log(`2-character search at ${rows} documents (last keystroke → results, incl. the 60 ms pause): ` +
    `p50 ${f(percentile(searchTimes, 50))}, p95 ${f(percentile(searchTimes, 95))} over ${queries} queries, ${rowsShown} rows shown (budget 100 ms after typing stops)`);
} finally {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
}
