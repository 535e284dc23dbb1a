#!/usr/bin/env node
// The console in a real browser: Debian's Chromium driven by playwright-core
// against a real `beian serve` on a fresh archive.
//
//   node tests/browser/console_test.mjs --beian build/cli/beian --root . --out /tmp/console-shots
//
// Each scenario is a named step printing PASS/FAIL and its time; the first
// failure stops the run (later steps build on earlier ones), leaves a
// screenshot fail-<step>.png in --out and exits 1. Measurements are printed,
// not asserted. Never downloads a browser: playwright-core only drives
// /usr/bin/chromium.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.error('playwright-core is not installed: run `npm ci` in tests/browser (it downloads no browser)');
  process.exit(2);
}

const { values: opts } = parseArgs({
  options: {
    beian: { type: 'string' },
    root: { type: 'string' },
    out: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    keep: { type: 'boolean', default: false },
    viewport: { type: 'string', default: '1440x900' },
  },
});
if (!opts.beian || !opts.root || !opts.out) {
  console.error('usage: node console_test.mjs --beian PATH_TO_BEIAN --root SOURCE_ROOT --out SCREENSHOT_DIR [--viewport 1440x900] [--keep]');
  process.exit(2);
}
for (const tool of [opts.chromium, '/usr/bin/pdftoppm', '/usr/bin/zbarimg']) {
  if (!fs.existsSync(tool)) {
    console.error(`${tool} is missing (Debian packages chromium, poppler-utils, zbar-tools)`);
    process.exit(2);
  }
}
// libfaketime sets the clock of the server whose deadlines pass (preloaded
// into that `beian serve` only; the browser keeps the real time).
const faketimeLib = fs.readdirSync('/usr/lib', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => path.join('/usr/lib', d.name, 'faketime', 'libfaketimeMT.so.1'))
  .find((f) => fs.existsSync(f));
if (!faketimeLib) {
  console.error('/usr/lib/<arch>/faketime/libfaketimeMT.so.1 is missing (Debian package libfaketime, with faketime)');
  process.exit(2);
}
const beian = path.resolve(opts.beian);
const root = path.resolve(opts.root);
const outDir = path.resolve(opts.out);
fs.mkdirSync(outDir, { recursive: true });

// The enterprise, its district and its staff's ID numbers, from the example
// the form is filled with: the accounts must match it.
const example = JSON.parse(fs.readFileSync(path.join(root, 'templates/qualification-verification/example.json'), 'utf8'));
const enterprise = example.enterprise;
const district = enterprise.district;
const bureauName = `北京市${district}住房和城乡建设委员会`;
const exampleIdNumbers = collectIdNumbers(example);

// A 承诺书 is the enterprise's own paper, quick to issue: the letters whose
// deadlines pass are of this kind, issued by an account of its enterprise.
const letterExample = JSON.parse(fs.readFileSync(path.join(root, 'templates/commitment-letter/example.json'), 'utf8'));

const accounts = {
  clerk: { username: 'wanghong', password: 'Chaoyang-2026!', role: 'bureau', flags: ['--district', district, '--name', bureauName, '--display-name', '王红'] },
  otherClerk: { username: 'zhanglei', password: 'Haidian-2026!', role: 'bureau', flags: ['--district', '海淀区', '--name', '北京市海淀区住房和城乡建设委员会', '--display-name', '张磊'] },
  enterprise: { username: 'ruixiang', password: 'Ruixiang-2026!', role: 'enterprise', flags: ['--credit-code', enterprise.credit_code, '--name', enterprise.name, '--display-name', enterprise.contact.name] },
  admin: { username: 'admin', password: 'Admin-2026-beian!', role: 'admin', flags: ['--display-name', '系统管理员'] },
};
// The enterprise of the 承诺书 example (on the server with the moved clock,
// with the clerk of its district).
const letterEnterprise = { username: 'ruixiang', password: 'Ruixiang-2026!', role: 'enterprise', flags: ['--credit-code', letterExample.enterprise.credit_code, '--name', letterExample.enterprise.name, '--display-name', '企业经办人'] };

// ---------------------------------------------------------------------------
// Steps

const results = [];

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    const ms = Date.now() - started;
    results.push({ name, ok: true, ms });
    console.log(`PASS  ${name}  (${ms} ms)`);
  } catch (e) {
    const ms = Date.now() - started;
    results.push({ name, ok: false, ms });
    console.log(`FAIL  ${name}  (${ms} ms)\n      ${String(e && e.stack ? e.stack : e).split('\n').slice(0, 6).join('\n      ')}`);
    throw new StepFailed(name, e);
  }
}

class StepFailed extends Error {
  constructor(name, cause) {
    super(`step "${name}" failed: ${cause && cause.message}`);
    this.step = name;
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const measurements = [];
function measure(name, value) {
  measurements.push([name, value]);
  console.log(`      measured: ${name} = ${value}`);
}

// ---------------------------------------------------------------------------
// The server

function createUser(dataDir, account) {
  const args = ['--root', root, '--data', dataDir, 'user', 'create', account.username, '--role', account.role, ...account.flags, '--password-stdin'];
  const r = spawnSync(beian, args, { input: `${account.password}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`beian user create ${account.username} exited ${r.status}: ${r.stderr}`);
}

// Starts `beian serve --port PORT` (0: a free one) with `env` added to the
// environment, and answers { base, port, child, log(), stop() } once it
// prints "serving http://127.0.0.1:PORT" on stderr.
function startServer(dataDir, config, { port = 0, env = {} } = {}) {
  const configFile = path.join(dataDir, '..', `${path.basename(dataDir)}-config.json`);
  fs.writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(beian, ['--root', root, '--data', dataDir, 'serve', '--port', String(port), '--config', configFile],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`beian serve printed no address in 30 s:\n${log}`)), 30_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log = (log + chunk).slice(-20_000);
      const m = /serving (https?:\/\/[^\s]+)/.exec(log);
      if (m && timer) {
        clearTimeout(timer);
        const base = m[1].replace(/\/$/, '');
        resolve({
          base,
          port: Number(new URL(base).port),
          child,
          log: () => log,
          stop: () => stopProcess(child),
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`beian serve exited ${code}:\n${log}`));
    });
  });
}

function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------
// Helpers

function collectIdNumbers(value, out = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => collectIdNumbers(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'id_number' && typeof v === 'string') out.add(v);
      else collectIdNumbers(v, out);
    }
  }
  return out;
}

function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

// A small, valid one-page PDF standing in for a stamped scan.
function scanPdf(label) {
  const content = `0.12 0.3 0.55 rg 72 700 451 60 re f 0 0 0 RG 2 w 72 120 451 560 re S % ${label}\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}endstream`,
  ];
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) pdf += `${String(o).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

// A GB 11643 ID number with a correct check character.
function idNumber(body17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return body17 + '10X98765432'[sum % 11];
}

// The same ID number with a wrong check character.
function breakIdNumber(id) {
  const last = id[17];
  return id.slice(0, 17) + (last === '0' ? '1' : last === 'X' ? '0' : String((Number(last) + 1) % 10));
}

// Drops `bytes` as a file on the drop zone `selector`, as a drag from the desktop.
async function dropFile(page, selector, name, mime, bytes) {
  const dataTransfer = await page.evaluateHandle(({ name: n, mime: m, b64 }) => {
    const binary = atob(b64);
    const array = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) array[i] = binary.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([array], n, { type: m }));
    return dt;
  }, { name, mime, b64: bytes.toString('base64') });
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

async function shot(page, name, { fullPage = true } = {}) {
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage });
}

async function signIn(page, base, account, { expectPath } = {}) {
  if (!page.url().includes('/signin')) await page.goto(`${base}/signin`);
  await page.fill('#signin-username', account.username);
  await page.fill('#signin-password', account.password);
  // Enter submits the form, as a keyboard user would.
  await page.press('#signin-password', 'Enter');
  if (expectPath) await page.waitForURL((url) => url.pathname === expectPath, { timeout: 10_000 });
  else await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 10_000 });
}

async function mainText(page) {
  return page.locator('#main').innerText();
}

// The document JSON through the signed-in page's session.
function apiGet(page, urlPath) {
  return page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: await r.json().catch(() => null) };
  }, urlPath);
}

// Decodes the QR code of the PDF's first page: pdftoppm, then zbarimg.
function qrPayload(pdfBytes, workDir) {
  const pdfPath = path.join(workDir, 'qr.pdf');
  fs.writeFileSync(pdfPath, pdfBytes);
  const prefix = path.join(workDir, 'qr-page');
  const render = spawnSync('pdftoppm', ['-r', '300', '-png', '-f', '1', '-l', '1', pdfPath, prefix], { encoding: 'utf8' });
  if (render.status !== 0) throw new Error(`pdftoppm failed: ${render.stderr}`);
  const png = fs.readdirSync(workDir).find((f) => f.startsWith('qr-page') && f.endsWith('.png'));
  const scan = spawnSync('zbarimg', ['-q', '--raw', path.join(workDir, png)], { encoding: 'utf8' });
  if (scan.status !== 0) throw new Error(`zbarimg found no code (exit ${scan.status}): ${scan.stderr}`);
  return scan.stdout.trim().split('\n')[0];
}

// The public page's URL on the test server for a QR payload: a URL keeps
// its path and query; "beian:verify/NUMBER?key=KEY" becomes /v/NUMBER?k=KEY.
function publicUrl(base, payload) {
  if (/^https?:\/\//.test(payload)) {
    const u = new URL(payload);
    return `${base}${u.pathname}${u.search}`;
  }
  const m = /^beian:verify\/([^?]+)\?key=(.+)$/.exec(payload);
  if (!m) throw new Error(`unexpected QR payload ${payload}`);
  return `${base}/v/${m[1]}?k=${m[2]}`;
}

// `base` (the kind's example) with its staff list grown to `count` rows:
// the added rows repeat the example's staff whose role recurs (项目负责人,
// 技术人员, …; a 法定代表人 is one), each with its own name, certificate
// number and a valid, distinct ID number (the gender follows its 17th digit).
function exampleWithStaff(base, count) {
  const data = structuredClone(base);
  const roles = data.staff.map((p) => p.role);
  const models = data.staff.filter((p) => roles.indexOf(p.role) !== roles.lastIndexOf(p.role));
  const extra = [];
  for (let i = 0; data.staff.length + extra.length < count; i++) {
    const model = models[i % models.length];
    const birth = new Date(Date.UTC(1970, 0, 1) + i * 41 * 86400e3).toISOString().slice(0, 10).replace(/-/g, '');
    const sequence = String(100 + (i % 800)).padStart(3, '0');
    const person = { ...model, name: `${model.name.slice(0, 1)}测试${i + 1}`, gender: Number(sequence[2]) % 2 ? '男' : '女', id_number: idNumber(`110105${birth}${sequence}`) };
    if (model.certificate_no) person.certificate_no = `${model.certificate_no.slice(0, 6)}${String(900000 + i).padStart(8, '0')}`;
    extra.push(person);
  }
  data.staff = data.staff.concat(extra);
  return data;
}

// ---------------------------------------------------------------------------
// The run

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'beian-console-'));
const dataDir = path.join(work, 'archive');
const servers = [];
let browser;
let failed = null;

async function main() {
  for (const account of Object.values(accounts)) createUser(dataDir, account);
  // `server` is replaced when the outage step starts it again (same port, so
  // `base` stays).
  let server = await startServer(dataDir, {});
  servers.push(server);
  const base = server.base;
  console.log(`server ${base}, archive ${dataDir}`);

  browser = await chromium.launch({ executablePath: opts.chromium, args: ['--no-sandbox'] });
  const [width, height] = opts.viewport.split('x').map(Number);
  const newContext = () => browser.newContext({ viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const enterpriseContext = await newContext();
  const ent = await enterpriseContext.newPage();
  const clerkContext = await newContext();
  const clerk = await clerkContext.newPage();
  const errors = [];
  for (const [who, page] of [['enterprise', ent], ['clerk', clerk]]) {
    page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
  }

  let doc = null; // the issued document's JSON
  let pdfBytes = null;

  await step('a page asked for without a session leads to sign-in; a wrong password is told', async () => {
    await ent.goto(`${base}/my`);
    await ent.waitForURL(/\/signin\?next=%2Fmy$/);
    await ent.fill('#signin-username', accounts.enterprise.username);
    await ent.fill('#signin-password', 'not-the-password');
    await ent.press('#signin-password', 'Enter');
    await ent.locator('#signin-error').filter({ hasText: '用户名或密码不正确' }).waitFor();
    await shot(ent, 'signin');
  });

  await step('sign-in (enterprise) returns to the page wanted, header names the user', async () => {
    await signIn(ent, base, accounts.enterprise, { expectPath: '/my' });
    const header = await ent.locator('#topbar').innerText();
    check(header.includes(enterprise.contact.name) && header.includes(enterprise.name), `header lacks the user: ${header}`);
    check(header.includes('退出登录'), 'no 退出登录 in the header');
    await ent.locator('.empty, table.table-my tbody tr:not(.skeleton-row)').first().waitFor();
  });

  const wrongRow = 4; // 第 4 行
  const rightId = example.staff[wrongRow - 1].id_number;
  await step('the enterprise fills 资质核查信息表 with the example; a wrong ID number is shown at its row', async () => {
    await ent.click('a[href="/new"]');
    await ent.locator('a[href="/new/qualification-verification"]').waitFor();
    const offered = await ent.locator('.kind-card .kind-title').allInnerTexts();
    check(!offered.includes('受理通知书'), `a bureau's paper is offered to the enterprise: ${offered}`);
    await shot(ent, 'new-kinds');
    await ent.click('a[href="/new/qualification-verification"]');
    await ent.waitForSelector('#fill-example');
    await ent.click('#fill-example');
    const idInput = ent.locator(`input[aria-label="身份证号码（第 ${wrongRow} 行）"]`);
    await ent.waitForFunction((v) => [...document.querySelectorAll('input')].some((i) => i.value === v), rightId);
    check(await idInput.inputValue() === rightId, 'row 4 does not hold the example ID number');
    const creditCode = await ent.locator('input[readonly]').evaluateAll((els) => els.map((e) => e.value));
    check(creditCode.includes(enterprise.credit_code), 'the credit code is not filled from the account');
    await idInput.fill(breakIdNumber(rightId));
    await ent.click('#preview');
    await ent.waitForFunction((label) => document.querySelector(`input[aria-label="${label}"]`)?.getAttribute('aria-invalid') === 'true', `身份证号码（第 ${wrongRow} 行）`);
    const cellMessage = await idInput.locator('xpath=..').locator('.field-error').innerText();
    check(cellMessage.length > 0, 'no message at the field');
    const top = await ent.locator('#form-problems').innerText();
    check(top.includes(`第 ${wrongRow} 行`), `the list on top does not name row ${wrongRow}: ${top}`);
    check(await idInput.evaluate((el) => el === document.activeElement), 'the wrong field is not focused');
    console.log(`      message at the field: ${cellMessage}`);
    await shot(ent, 'new-form-errors', { fullPage: false });
    await ent.evaluate(() => window.scrollTo(0, 0));
    await shot(ent, 'new-form-errors-top', { fullPage: false });
  });

  await step('fixed, previewed in the page', async () => {
    await ent.locator(`input[aria-label="身份证号码（第 ${wrongRow} 行）"]`).fill(rightId);
    await ent.click('#preview');
    await ent.waitForSelector('#preview-panel iframe[src^="blob:"]', { timeout: 20_000 });
    check(await ent.locator('[aria-invalid="true"]').count() === 0, 'problems still marked after the fix');
    await ent.waitForTimeout(2000); // let the PDF viewer draw for the screenshot
    await shot(ent, 'preview', { fullPage: false });
  });

  await step('issued: the document page shows it', async () => {
    await ent.click('#issue');
    await ent.waitForURL(/\/documents\/\d+$/, { timeout: 20_000 });
    const id = Number(new URL(ent.url()).pathname.split('/').pop());
    await ent.locator('#doc-sha256').waitFor();
    const got = await apiGet(ent, `/v1/documents/${id}`);
    check(got.status === 200, `GET /v1/documents/${id} answered ${got.status}`);
    doc = got.body;
    check(doc.status === 'issued', `status ${doc.status}`);
    const text = await mainText(ent);
    check(text.includes(doc.number) && text.includes('已出具'), 'the page lacks the number or 已出具');
    check(text.includes('文书已出具'), 'no confirmation shown');
    console.log(`      document ${doc.id} ${doc.number}`);
  });

  await step('downloaded: the bytes are the archived PDF (SHA-256)', async () => {
    const [download] = await Promise.all([ent.waitForEvent('download'), ent.click('#download-pdf')]);
    const file = path.join(work, 'download.pdf');
    await download.saveAs(file);
    pdfBytes = fs.readFileSync(file);
    const digest = sha256(pdfBytes);
    check(digest === doc.sha256, `downloaded ${digest}, document ${doc.sha256}`);
    check((await ent.locator('#doc-sha256').innerText()).trim() === doc.sha256, 'the page shows another SHA-256');
  });

  await step('the enterprise submits its stamped scan (提交件) by drag and drop', async () => {
    await dropFile(ent, '#scan-dropzone', '盖章扫描件.pdf', 'application/pdf', scanPdf('submitted'));
    await ent.locator('#copies-table').filter({ hasText: '提交件' }).waitFor({ timeout: 20_000 });
    check(await ent.locator('#action-accept, #action-revoke').count() === 0, 'the enterprise sees bureau actions');
    check((await ent.locator('#copies-table').innerText()).includes('盖章扫描件.pdf'), 'the file name is not shown');
    await ent.waitForTimeout(1500); // let the PDF viewer draw for the screenshot
    await shot(ent, 'document-enterprise');
  });

  // Clerk: first load of the work queue on a cold cache.
  await step('sign-in (clerk) → work queue; first load measured', async () => {
    await clerk.goto(`${base}/signin`);
    await signIn(clerk, base, accounts.clerk, { expectPath: '/queue' });
    await clerk.locator('table.table-queue tbody tr:not(.skeleton-row)').first().waitFor();
    // A fresh context (empty cache) with the clerk's session cookie.
    const cold = await newContext();
    await cold.addCookies(await clerkContext.cookies());
    const page = await cold.newPage();
    const sizes = [];
    page.on('requestfinished', async (request) => {
      const sizesOf = await request.sizes().catch(() => null);
      if (sizesOf) sizes.push([new URL(request.url()).pathname, sizesOf.responseBodySize + sizesOf.responseHeadersSize]);
    });
    await page.goto(`${base}/queue`);
    // Nothing asked of the page until it is done: playwright's locators and
    // waitForFunction evaluate its own script in the page, tens of
    // milliseconds on the main thread, which a clerk's browser never runs.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await page.locator('table.table-queue tbody tr:not(.skeleton-row)').first().waitFor();
    const interactive = await page.evaluate(() => {
      const mark = performance.getEntriesByName('beian:queue-rendered').pop();
      return mark ? Math.round(mark.startTime) : null;
    });
    const transfer = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      return { nav: nav.transferSize, resources: res.map((r) => [new URL(r.name).pathname, r.transferSize]) };
    });
    await page.waitForTimeout(300);
    const consoleFiles = transfer.resources.filter(([p]) => p.startsWith('/assets/'));
    const consoleBytes = transfer.nav + consoleFiles.reduce((s, [, n]) => s + n, 0);
    const allBytes = sizes.reduce((s, [, n]) => s + n, 0);
    measure('first load, console files (HTML+JS+CSS+icon) transferred', `${consoleBytes} bytes (${(consoleBytes / 1024).toFixed(1)} KB)`);
    measure('first load, everything incl. API answers', `${allBytes} bytes in ${sizes.length} responses`);
    console.log(`      files: ${[['index.html', transfer.nav], ...consoleFiles].map(([p, n]) => `${p} ${n}`).join(', ')}`);
    // Printed, not asserted: the budget is 200 KB.
    console.log(`      first-load budget 200 KB: ${consoleBytes <= 200 * 1024 ? 'within' : 'OVER'}`);
    await cold.close();
    // The time to an interactive queue, in three more fresh contexts with no
    // listener on the page (the byte count above asks the browser about every
    // response while it loads): the median, the three printed.
    const times = [interactive];
    for (let i = 0; i < 3; i++) {
      const fresh = await newContext();
      await fresh.addCookies(await clerkContext.cookies());
      const again = await fresh.newPage();
      await again.goto(`${base}/queue`);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await again.locator('table.table-queue tbody tr:not(.skeleton-row)').first().waitFor();
      times.push(await again.evaluate(() => Math.round(performance.getEntriesByName('beian:queue-rendered').pop().startTime)));
      await fresh.close();
    }
    const quiet = times.slice(1).sort((a, b) => a - b);
    measure('work queue interactive (navigation start → table rendered, fresh browser context)',
      `median ${quiet[1]} ms of ${quiet.join(', ')} ms (while counting bytes: ${interactive} ms)`);
    const row = clerk.locator('table.table-queue tbody tr', { hasText: doc.number });
    await row.waitFor();
    await shot(clerk, 'queue');
  });

  await step('the server stops (SIGTERM) while the clerk works: told calmly with 重试; started again, 重试 works in the same session', async () => {
    await server.stop();
    check(server.child.exitCode === 0, `beian serve ended with ${server.child.exitCode ?? server.child.signalCode} on SIGTERM`);
    // The clerk, still on the work queue, opens the document: nothing answers.
    await clerk.click(`table.table-queue a:has-text("${doc.number}")`);
    await clerk.waitForURL((url) => url.pathname === `/documents/${doc.id}`);
    const outage = clerk.locator('#main .notice-error', { has: clerk.locator('button', { hasText: '重试' }) });
    await outage.waitFor();
    const told = (await outage.innerText()).replace(/\s*重试$/, '');
    console.log(`      told: ${told}`);
    check(/^(无法连接服务器|服务暂时不可用)/.test(told), `the notice says: ${told}`);
    const text = await mainText(clerk);
    check(!/TypeError|Failed to fetch|HTTP \d|network/i.test(text), `a raw error is shown: ${text}`);
    check((await clerk.locator('#topbar').innerText()).includes('王红'), 'the header no longer names the clerk (王红)');
    await shot(clerk, 'server-unavailable');
    // The same server again: same port, archive and config.
    server = await startServer(dataDir, {}, { port: server.port });
    servers.push(server);
    check(server.base === base, `started again at ${server.base}, not ${base}`);
    await outage.locator('button', { hasText: '重试' }).press('Enter');
    await clerk.locator('#doc-sha256').waitFor();
    check((await clerk.locator('h1').innerText()).includes(doc.number), 'the document is not shown after 重试');
    check(await clerk.locator('.notice-error').count() === 0, 'the outage notice is still shown');
    check(new URL(clerk.url()).pathname === `/documents/${doc.id}`, `the page moved to ${clerk.url()}`);
    const session = await apiGet(clerk, '/v1/session');
    check(session.status === 200 && session.body.user.username === accounts.clerk.username, `GET /v1/session answered ${session.status}`);
  });

  await step('queue colours from real deadlines (a server with its clock moved by libfaketime): overdue red, due_soon amber', async () => {
    // A server of its own whose clock is read from a file at every reading:
    // "@2026-11-16 01:00:00" is 09:00 in Beijing on that day, from then on.
    const clockDir = path.join(work, 'archive-clock');
    const clockFile = path.join(work, 'clock');
    const setDay = (day) => fs.writeFileSync(clockFile, `@${day} 01:00:00\n`);
    createUser(clockDir, letterEnterprise);
    createUser(clockDir, accounts.clerk);
    setDay('2026-11-16');
    const timed = await startServer(clockDir, {},
      // A sanitized beian wants its runtime first among the preloaded
      // libraries; libfaketime only wraps the clock, so the order is safe.
      { env: { LD_PRELOAD: faketimeLib, FAKETIME_TIMESTAMP_FILE: clockFile, FAKETIME_NO_CACHE: '1',
        ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'verify_asan_link_order=0'].filter(Boolean).join(':') } });
    servers.push(timed);
    // Signed in afresh on each day: a session from days before has expired.
    const asUser = async (account, home, act) => {
      const context = await newContext();
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`${account.username} (clock): ${e.message}`));
      try {
        await page.goto(`${timed.base}/signin`);
        await signIn(page, timed.base, account, { expectPath: home });
        return await act(page);
      } finally {
        await context.close();
      }
    };
    // Issued and accepted on a Monday, a Thursday and a Wednesday: decided
    // within 10 working days.
    const letters = [];
    for (const [day, due] of [['2026-11-16', '2026-11-30'], ['2026-11-19', '2026-12-03'], ['2026-11-25', '2026-12-09']]) {
      setDay(day);
      const id = await asUser(letterEnterprise, '/my', async (page) => {
        await page.goto(`${timed.base}/new/commitment-letter`);
        await page.click('#fill-example');
        await page.waitForFunction(() => [...document.querySelectorAll('input[type="date"]')].some((i) => i.value !== ''));
        await page.click('#issue');
        await page.waitForURL(/\/documents\/\d+$/, { timeout: 20_000 });
        return Number(new URL(page.url()).pathname.split('/').pop());
      });
      const letter = await asUser(accounts.clerk, '/queue', async (page) => {
        await page.goto(`${timed.base}/documents/${id}`);
        await page.click('#action-accept');
        await page.locator('.messages .notice-success').filter({ hasText: '已受理' }).waitFor();
        return (await apiGet(page, `/v1/documents/${id}`)).body;
      });
      check(letter.issued_at.startsWith(day) && letter.accepted_on === day && letter.decision_due === due,
        `${letter.number}: issued ${letter.issued_at}, accepted ${letter.accepted_on}, due ${letter.decision_due}; wanted ${day}, due ${due}`);
      letters.push(letter);
    }
    console.log(`      ${letters.map((l) => `${l.number} accepted ${l.accepted_on}, due ${l.decision_due}`).join('; ')}`);
    // Tuesday 2026-12-01: the first is a working day late, the second has 2 left.
    setDay('2026-12-01');
    await asUser(accounts.clerk, '/queue', async (page) => {
      const rows = page.locator('table.table-queue tbody tr:not(.skeleton-row)');
      await rows.nth(2).waitFor();
      const shown = await Promise.all(letters.map(async (l) => {
        const row = rows.filter({ hasText: l.number });
        return {
          number: l.number,
          warnings: await row.evaluate((el) => [...el.classList].filter((c) => c.startsWith('warn-')).join(' ')),
          text: await row.innerText(),
          colour: await row.evaluate((el) => getComputedStyle(el).backgroundColor),
        };
      }));
      const [late, soon, later] = shown;
      check(late.warnings === 'warn-overdue' && late.text.includes('已逾期 1 个工作日'), `${late.number}: ${late.warnings} ${late.text}`);
      check(soon.warnings === 'warn-due_soon' && soon.text.includes('剩余 2 个工作日') && soon.text.includes('即将到期'), `${soon.number}: ${soon.warnings} ${soon.text}`);
      check(later.warnings === '' && later.text.includes('剩余 6 个工作日') && !/即将到期|已逾期/.test(later.text), `${later.number}: ${later.warnings} ${later.text}`);
      check(new Set(shown.map((r) => r.colour)).size === 3, `the rows are not told apart by colour: ${shown.map((r) => r.colour).join(', ')}`);
      const order = (await rows.allInnerTexts()).map((t) => letters.findIndex((l) => t.includes(l.number)));
      check(order.join() === '0,1,2', `not the most urgent first: ${order}`);
      const summary = await page.locator('#queue-summary').innerText();
      check(summary === '共 3 件待办，已逾期 1 件，即将到期 1 件', `summary: ${summary}`);
      console.log(`      ${summary}; rows ${shown.map((r) => r.colour).join(', ')}`);
      await shot(page, 'queue-warnings');
    });
    await timed.stop();
  });

  await step('keyboard: Tab reaches the document in the queue with a visible focus ring; Enter opens it', async () => {
    await clerk.goto(`${base}/queue`);
    await clerk.locator('table.table-queue tbody tr:not(.skeleton-row)').first().waitFor();
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await clerk.keyboard.press('Tab');
      reached = await clerk.evaluate((n) => document.activeElement && document.activeElement.textContent === n, doc.number);
    }
    check(reached, 'Tab never reached the document link');
    const outline = await clerk.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check(outline !== 'none', 'no focus outline on the focused link');
    await clerk.keyboard.press('Enter');
    await clerk.waitForURL(/\/documents\/\d+$/);
    await clerk.locator('#scan-dropzone').focus();
    check(await clerk.evaluate(() => document.activeElement.id === 'scan-dropzone'), 'the drop zone takes no focus');
  });

  await step('a change without the CSRF token is refused (403)', async () => {
    const answer = await clerk.evaluate(async (id) => {
      const r = await fetch(`/v1/documents/${id}/accept`, { method: 'POST' });
      return { status: r.status, body: await r.json().catch(() => null) };
    }, doc.id);
    check(answer.status === 403, `POST without X-CSRF-Token answered ${answer.status}`);
    check(answer.body && answer.body.error && answer.body.error.code === 'csrf_failed', `code ${JSON.stringify(answer.body)}`);
    const after = await apiGet(clerk, `/v1/documents/${doc.id}`);
    check(after.body.status === 'issued', `the document changed: ${after.body.status}`);
  });

  const twoChars = enterprise.name.slice(2, 4); // 瑞祥
  await step(`the clerk finds it by two characters (${twoChars}); result time measured`, async () => {
    await clerk.click('a.nav-link[href="/search"]');
    await clerk.waitForURL(/\/search/);
    await clerk.locator('#search-summary').filter({ hasText: '已显示' }).waitFor();
    await clerk.evaluate(() => {
      window.__lastKey = 0;
      document.addEventListener('input', () => { window.__lastKey = performance.now(); }, true);
    });
    await clerk.click('#search-q');
    await clerk.keyboard.type(twoChars, { delay: 60 });
    await clerk.waitForFunction((n) => new URL(location.href).searchParams.get('q') === n, twoChars);
    // Results drawn after the last keystroke (the list before the query
    // already held the document).
    await clerk.waitForFunction(() => performance.getEntriesByName('beian:search-rendered').some((m) => m.startTime > window.__lastKey));
    const row = clerk.locator('table.table-search tbody tr', { hasText: doc.number });
    await row.waitFor();
    const ms = await clerk.evaluate(() => {
      const mark = performance.getEntriesByName('beian:search-rendered').find((m) => m.startTime > window.__lastKey);
      return Math.round(mark.startTime - window.__lastKey);
    });
    measure(`search result for a 2-character query (last keystroke → results shown, incl. the 60 ms pause)`, `${ms} ms`);
    await shot(clerk, 'search');
  });

  const initials = 'rxhy';
  await step(`… and by pinyin initials (${initials}); Back returns to the same results`, async () => {
    // A personal ID number is refused by the server (400): told calmly.
    await clerk.fill('#search-q', exampleIdNumbers.values().next().value);
    await clerk.locator('#search-summary .notice').waitFor();
    console.log(`      an ID number as query: ${await clerk.locator('#search-summary').innerText()}`);
    await clerk.fill('#search-q', initials);
    await clerk.waitForFunction((n) => new URL(location.href).searchParams.get('q') === n, initials);
    await clerk.waitForFunction(() => !document.querySelector('.results-region[aria-busy="true"]'));
    await clerk.locator('table.table-search tbody tr', { hasText: doc.number }).waitFor();
    await clerk.click(`table.table-search a:has-text("${doc.number}")`);
    await clerk.waitForURL(/\/documents\/\d+$/);
    await clerk.locator('#doc-sha256').waitFor();
    await clerk.goBack();
    await clerk.waitForURL(/\/search\?q=rxhy/);
    check(await clerk.inputValue('#search-q') === initials, 'the query box lost the query');
    await clerk.locator('table.table-search tbody tr', { hasText: doc.number }).waitFor();
  });

  await step('the clerk accepts it (受理); a second 受理 from a stale page gets the 409 message', async () => {
    // The same clerk has the document open twice; the first tab accepts.
    const stale = await clerkContext.newPage();
    await stale.goto(`${base}/documents/${doc.id}`);
    await stale.locator('#action-accept').waitFor();
    await clerk.goto(`${base}/documents/${doc.id}`);
    await clerk.click('#action-accept');
    await clerk.locator('.messages .notice-success').filter({ hasText: '已受理' }).waitFor();
    const got = await apiGet(clerk, `/v1/documents/${doc.id}`);
    check(got.body.status === 'accepted' && got.body.decision_due, `status ${got.body.status}`);
    check((await clerk.locator('h1').innerText()).includes('已受理'), 'the heading does not say 已受理');
    await stale.click('#action-accept');
    const conflict = stale.locator('.notice-error', { hasText: '操作未执行' });
    await conflict.waitFor();
    console.log(`      409 shown as: ${await conflict.innerText()}`);
    await stale.close();
  });

  await step('the clerk attaches the 签章件 by drag and drop', async () => {
    await dropFile(clerk, '#scan-dropzone', 'signed-scan.pdf', 'application/pdf', scanPdf('of record'));
    await clerk.locator('#copies-table tbody tr', { hasText: '签章件' }).waitFor({ timeout: 20_000 });
    await clerk.locator('.messages .notice-success').filter({ hasText: '已上传签章件' }).waitFor();
  });

  const filingNumber = `京${district.slice(0, 1)}物备〔2026〕第0001号`;
  await step('the clerk files it (备案) with a 备案编号', async () => {
    await clerk.click('#action-file');
    await clerk.fill('#filing-number', filingNumber);
    await clerk.press('#filing-number', 'Enter');
    await clerk.locator('.messages .notice-success').filter({ hasText: '已备案' }).waitFor();
    const text = await mainText(clerk);
    check(text.includes(filingNumber), 'the 备案编号 is not shown');
    const audit = await clerk.locator('#audit-table').innerText();
    check(audit.includes('受理') && audit.includes('备案'), `audit list lacks the steps: ${audit}`);
    await clerk.waitForTimeout(2000); // let the PDF viewer draw for the screenshot
    await shot(clerk, 'document');
  });

  let reprintBytes = null;
  await step('补打: a marked copy is downloaded, begins with the original bytes and is listed', async () => {
    const [download] = await Promise.all([clerk.waitForEvent('download'), clerk.click('#action-reprint-marked')]);
    const file = path.join(work, 'reprint.pdf');
    await download.saveAs(file);
    reprintBytes = fs.readFileSync(file);
    check(reprintBytes.length > pdfBytes.length && reprintBytes.subarray(0, pdfBytes.length).equals(pdfBytes),
      'the 补打 copy is not an incremental update of the original');
    await clerk.locator('.messages .notice-success').filter({ hasText: '补打' }).waitFor();
    check((await mainText(clerk)).includes('打印记录'), 'no 打印记录 listed');
  });

  await step('the enterprise sees 已备案 with the 备案编号', async () => {
    await ent.goto(`${base}/my`);
    const row = ent.locator('table.table-my tbody tr', { hasText: doc.number });
    await row.waitFor();
    const text = await row.innerText();
    check(text.includes('已备案') && text.includes(filingNumber), `row says: ${text}`);
    await shot(ent, 'my-documents');
  });

  await step('文件核验: the PDF is found as the document; other bytes are not in the archive', async () => {
    await clerk.click('a.nav-link[href="/verify-file"]');
    await dropFile(clerk, '#verify-dropzone', 'download.pdf', 'application/pdf', pdfBytes);
    await clerk.locator('#verify-result').filter({ hasText: doc.number }).waitFor();
    check((await clerk.locator('#verify-result').innerText()).includes('文书原件'), 'not shown as the document');
    await shot(clerk, 'verify-file');
    await dropFile(clerk, '#verify-dropzone', 'reprint.pdf', 'application/pdf', reprintBytes);
    await clerk.locator('#verify-result').filter({ hasText: '补打件' }).filter({ hasText: doc.number }).waitFor();
    await shot(clerk, 'verify-file-reprint');
    await dropFile(clerk, '#verify-dropzone', 'signed-scan.pdf', 'application/pdf', scanPdf('of record'));
    await clerk.locator('#verify-result').filter({ hasText: '签章件' }).waitFor();
    await dropFile(clerk, '#verify-dropzone', 'other.pdf', 'application/pdf', scanPdf('never archived'));
    await clerk.locator('#verify-result').filter({ hasText: '该文件不在档案中' }).waitFor();
  });

  let publicPage = null;
  await step('the QR code on the PDF opens the public page, which says 已备案', async () => {
    const payload = qrPayload(pdfBytes, work);
    console.log(`      QR payload: ${payload}`);
    const anonymous = await newContext();
    publicPage = await anonymous.newPage();
    publicPage.on('pageerror', (e) => errors.push(`public: ${e.message}`));
    const response = await publicPage.goto(publicUrl(base, payload));
    check(response.status() === 200, `public page answered ${response.status()}`);
    const text = await publicPage.locator('body').innerText();
    check(text.includes(doc.number), 'the public page lacks the number');
    check(text.includes('已备案'), 'the public page does not say 已备案');
    await shot(publicPage, 'public-page');
  });

  await step('a clerk of another district (海淀区) finds nothing of it', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${base}/signin`);
    await signIn(page, base, accounts.otherClerk, { expectPath: '/queue' });
    await page.goto(`${base}/search?q=${encodeURIComponent(twoChars)}`);
    await page.locator('.results-region .empty').filter({ hasText: '未找到符合条件的文书' }).waitFor();
    await page.goto(`${base}/documents/${doc.id}`);
    await page.locator('.notice').filter({ hasText: '未找到该文书（或无权查看）' }).waitFor();
    await context.close();
  });

  await step('the clerk revokes it (作废, reason, confirmed); the public page says 作废 and shows no ID number', async () => {
    await clerk.goto(`${base}/documents/${doc.id}`);
    await clerk.click('#action-revoke');
    await clerk.fill('#revoke-reason', '企业申请撤回，合同已解除');
    await clerk.click('#action-panel button[type="submit"]');
    await clerk.locator('dialog[open]').waitFor();
    await clerk.click('dialog[open] button[value="ok"]');
    await clerk.locator('.messages .notice-success').filter({ hasText: '作废' }).waitFor();
    check((await clerk.locator('h1').innerText()).includes('作废'), 'the heading does not say 作废');
    await publicPage.reload();
    const text = await publicPage.locator('body').innerText();
    check(text.includes('作废'), 'the public page does not say 作废');
    for (const id of exampleIdNumbers) check(!text.includes(id), `the public page shows the ID number ${id}`);
    await shot(publicPage, 'public-page-revoked');
  });

  await step('admin: users listed, one created and disabled', async () => {
    const context = await newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`admin: ${e.message}`));
    await page.goto(`${base}/signin`);
    await signIn(page, base, accounts.admin, { expectPath: '/queue' });
    await page.click('a.nav-link[href="/users"]');
    await page.locator('#users-table tbody tr', { hasText: accounts.clerk.username }).waitFor();
    await page.selectOption('#user-role', 'bureau');
    await page.fill('#user-username', 'liming');
    await page.fill('#user-password', 'Tongzhou-2026!');
    await page.fill('#user-display_name', '李明');
    await page.selectOption('#user-district', '通州区');
    await page.fill('#user-name', '北京市通州区住房和城乡建设委员会');
    await page.press('#user-name', 'Enter');
    const row = page.locator('#users-table tbody tr', { hasText: 'liming' });
    await row.waitFor();
    await row.locator('button', { hasText: '停用' }).click();
    await page.click('dialog[open] button[value="ok"]');
    await row.filter({ hasText: '已停用' }).waitFor();
    await shot(page, 'users');
    await context.close();
  });

  await step('sign-out ends the session', async () => {
    await clerk.click('#topbar button:has-text("退出登录")');
    await clerk.waitForURL(/\/signin$/);
    await clerk.locator('.notice', { hasText: '已退出登录' }).waitFor();
    const session = await clerk.evaluate(async () => (await fetch('/v1/session')).status);
    check(session === 401, `GET /v1/session after sign-out answered ${session}`);
    await clerk.goto(`${base}/queue`);
    await clerk.waitForURL(/\/signin\?next=%2Fqueue$/);
  });

  await step('an expired session (idle 2 s): the next click leads to sign-in with the message, then back', async () => {
    const shortDir = path.join(work, 'archive-short');
    createUser(shortDir, accounts.clerk);
    createUser(shortDir, accounts.enterprise);
    const short = await startServer(shortDir, { session_idle_seconds: 2 });
    servers.push(short);
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${short.base}/signin`);
    await signIn(page, short.base, accounts.clerk, { expectPath: '/queue' });
    await page.locator('.empty, table.table-queue tbody tr:not(.skeleton-row)').first().waitFor();
    await page.waitForTimeout(3000);
    await page.click('a.nav-link[href="/search"]');
    await page.waitForURL(/\/signin\?next=%2Fsearch/);
    await page.locator('.notice').filter({ hasText: '登录已过期，请重新登录' }).waitFor();
    await shot(page, 'signin-expired');
    await signIn(page, short.base, accounts.clerk, { expectPath: '/search' });
    await context.close();
  });

  await step('a session that expires while a form is filled: after sign-in the typed data is still there', async () => {
    const short = servers[servers.length - 1];
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${short.base}/signin`);
    await signIn(page, short.base, accounts.enterprise, { expectPath: '/my' });
    await page.goto(`${short.base}/new/commitment-letter`);
    await page.click('#fill-example');
    const date = page.getByLabel('签署日期');
    await page.waitForFunction(() => [...document.querySelectorAll('input[type="date"]')].some((i) => i.value !== ''));
    await date.fill('2026-12-01');
    await page.waitForTimeout(3000);
    await page.click('#preview');
    await page.waitForURL(/\/signin\?next=%2Fnew%2Fcommitment-letter/);
    await page.locator('.notice').filter({ hasText: '登录已过期，请重新登录' }).waitFor();
    await signIn(page, short.base, accounts.enterprise, { expectPath: '/new/commitment-letter' });
    await page.waitForSelector('#preview');
    check(await date.inputValue() === '2026-12-01', `the typed date is gone: "${await date.inputValue()}"`);
    await context.close();
  });

  await step('repeated wrong passwords: 登录失败次数过多，请 N 秒后再试', async () => {
    const short = servers[servers.length - 1];
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${short.base}/signin`);
    let text = '';
    for (let i = 0; i < 8 && !/登录失败次数过多/.test(text); i++) {
      await page.fill('#signin-username', accounts.clerk.username);
      await page.fill('#signin-password', `wrong-${i}`);
      await page.press('#signin-password', 'Enter');
      await page.locator('#signin-error:not(:empty)').waitFor();
      await page.waitForFunction(() => !document.querySelector('.signin-form button[disabled]'));
      text = await page.locator('#signin-error').innerText();
    }
    check(/^登录失败次数过多，请 \d+ 秒后再试$/.test(text), `the message is: ${text}`);
    console.log(`      ${text}`);
    await context.close();
    await short.stop();
  });

  await step('a staff list of 300 rows from a data file (导入数据文件): filled fast, an error in row 287 found and shown; 导出数据文件 gives it back', async () => {
    await ent.goto(`${base}/new/qualification-verification`);
    await ent.waitForSelector('#import-data');
    // The keyboard reaches both buttons; the file input itself is skipped.
    await ent.focus('#fill-example');
    await ent.keyboard.press('Tab');
    check(await ent.evaluate(() => document.activeElement.id) === 'import-data', 'Tab from 填入示例 does not reach 导入数据文件');
    await ent.keyboard.press('Tab');
    check(await ent.evaluate(() => document.activeElement.id) === 'export-data', 'Tab from 导入数据文件 does not reach 导出数据文件');
    // The kind's real example, as the signed-in page gets it, grown to 300
    // rows; row 287 has a wrong check character. Members the form does not
    // know, and another enterprise's name, must not get into the form.
    const got = await apiGet(ent, '/v1/kinds/qualification-verification/example');
    check(got.status === 200, `GET /v1/kinds/qualification-verification/example answered ${got.status}`);
    const big = exampleWithStaff(got.body, 300);
    check(new Set(big.staff.map((p) => p.id_number)).size === 300, 'the 300 ID numbers are not distinct');
    const wrongId = breakIdNumber(big.staff[286].id_number);
    big.staff[286].id_number = wrongId;
    big.enterprise = { ...big.enterprise, name: '别的企业有限公司' };
    big.unknown_member = '不属于表单';
    big.staff[0] = { ...big.staff[0], unknown_column: 'x' };
    const dataFile = path.join(work, '资质核查-300人.json');
    fs.writeFileSync(dataFile, JSON.stringify(big, null, 2));

    // Files that cannot be used: told on top, the form stays as it was (the
    // last one dropped on the form, as from the desktop).
    const staffLegend = ent.locator('legend', { hasText: '专职管理和技术人员' });
    const before = await staffLegend.innerText();
    const bigFile = path.join(work, 'too-big.json');
    fs.writeFileSync(bigFile, Buffer.alloc(20 * 1024 * 1024 + 1, 0x20));
    for (const [name, content, expected] of [
      ['too-big.json', null, '超过服务器接收的上限 20 MB'],
      ['array.json', '[1, 2, 3]', '不是数据对象'],
      ['not-json.json', '{"staff": [', '文件不是有效的 JSON'],
    ]) {
      if (content === null) await ent.setInputFiles('#import-file', bigFile);
      else if (name === 'not-json.json') await dropFile(ent, '#document-form', name, 'application/json', Buffer.from(content));
      else await ent.setInputFiles('#import-file', { name, mimeType: 'application/json', buffer: Buffer.from(content) });
      const shown = ent.locator('.form-messages .notice-error').filter({ hasText: expected });
      await shown.waitFor();
      check((await shown.innerText()).includes(name), `the message does not name ${name}`);
      check(await staffLegend.innerText() === before, `the form changed after ${name}`);
    }
    await ent.evaluate(() => window.scrollTo(0, 0));
    await shot(ent, 'new-form-import-error', { fullPage: false });

    // Rendered: the frame after the 300th row came in has been painted
    // (watched in the page, so the test's polling adds nothing).
    const painted = ent.evaluate(() => new Promise((resolve) => {
      const tbody = [...document.querySelectorAll('fieldset.group-table')].find((f) => f.querySelector('legend').textContent.includes('专职管理和技术人员')).querySelector('tbody');
      const observer = new MutationObserver(() => {
        if (tbody.rows.length !== 300) return;
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now())));
      });
      observer.observe(tbody, { childList: true });
    }));
    const started = Date.now();
    await ent.setInputFiles('#import-file', dataFile);
    const renderedAt = await painted;
    await ent.locator('legend', { hasText: '（300 行）' }).waitFor();
    const wall = Date.now() - started;
    const entry = await ent.evaluate(() => performance.getEntriesByName('beian:data-imported').pop().toJSON());
    measure('导入数据文件 with 300 staff rows (file chosen → read, parsed, rows written)', `${Math.round(entry.duration)} ms`);
    measure('导入数据文件 with 300 staff rows (file chosen → rows rendered, painted)', `${Math.round(renderedAt - entry.startTime)} ms`);
    measure('导入数据文件 with 300 staff rows, seen from the test (setInputFiles → 300 rows visible)', `${wall} ms`);
    await ent.locator('.form-messages .notice-success').filter({ hasText: '资质核查-300人.json' }).waitFor();
    const locked = await ent.locator('input[readonly]').evaluateAll((els) => els.map((e) => e.value));
    check(locked.includes(enterprise.name) && !locked.includes('别的企业有限公司'), `the enterprise's name is not the account's: ${locked}`);
    check(locked.includes(enterprise.credit_code), 'the credit code is not the account\'s');
    await shot(ent, 'new-form-import', { fullPage: false });

    // 导出数据文件: the form's data, the 300 rows, without what it does not know.
    const [download] = await Promise.all([ent.waitForEvent('download'), ent.click('#export-data')]);
    check(download.suggestedFilename() === 'qualification-verification-数据.json', `exported as ${download.suggestedFilename()}`);
    const exportedFile = path.join(work, 'exported.json');
    await download.saveAs(exportedFile);
    const exported = JSON.parse(fs.readFileSync(exportedFile, 'utf8'));
    check(Array.isArray(exported.staff) && exported.staff.length === 300, `the export has ${exported.staff && exported.staff.length} staff`);
    check(exported.staff[286].id_number === wrongId && exported.staff[299].id_number === big.staff[299].id_number, 'the exported staff differ from the file');
    check(!('unknown_member' in exported) && !('unknown_column' in exported.staff[0]), 'members the form does not know were exported');
    check(exported.enterprise.name === enterprise.name, `exported enterprise name ${exported.enterprise.name}`);

    const label = '身份证号码（第 287 行）';
    const input = ent.locator(`input[aria-label="${label}"]`);
    check(await input.inputValue() === wrongId, 'row 287 does not hold the ID number of the file');
    const previewStarted = Date.now();
    await ent.click('#preview');
    await ent.waitForFunction((l) => document.querySelector(`input[aria-label="${l}"]`)?.getAttribute('aria-invalid') === 'true', label, { timeout: 30_000 });
    measure('预览 of 300 rows → error shown at row 287', `${Date.now() - previewStarted} ms`);
    check(await ent.locator('[aria-invalid="true"]').count() === 1, 'more than row 287 is marked wrong');
    check(await input.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    }), 'row 287 is not scrolled into view');
    await ent.locator('button[aria-label="删除第 300 行"]').click();
    await ent.locator('legend', { hasText: '（299 行）' }).waitFor();
  });

  await step('no script errors in the pages', async () => {
    check(errors.length === 0, `page errors:\n${errors.join('\n')}`);
  });
}

try {
  await main();
} catch (e) {
  failed = e;
  if (!(e instanceof StepFailed)) console.log(`FAIL  setup\n      ${e && e.stack}`);
  if (browser) {
    const name = (e.step || 'setup').replace(/[^\w一-龥]+/g, '-').slice(0, 40);
    for (const [c, context] of browser.contexts().entries()) {
      for (const [i, page] of context.pages().entries()) {
        if (page.url() === 'about:blank') continue;
        await page.screenshot({ path: path.join(outDir, `fail-${name}-${c}-${i}.png`), fullPage: true }).catch(() => {});
      }
    }
  }
  for (const server of servers) console.log(`--- server log (last lines)\n${server.log().split('\n').slice(-15).join('\n')}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  for (const server of servers) await server.stop();
}

const passed = results.filter((r) => r.ok).length;
console.log(`\n${passed}/${results.length} steps passed${failed ? ' — FAILED' : ''}; screenshots in ${outDir}`);
if (measurements.length) {
  console.log('measurements:');
  for (const [name, value] of measurements) console.log(`  ${name}: ${value}`);
}
if (!failed && !opts.keep) fs.rmSync(work, { recursive: true, force: true });
else console.log(`work folder kept: ${work}`);
process.exit(failed ? 1 : 0);
