#!/usr/bin/env node
// Every kind's OFD, shown by an OFD viewer, looks like its PDF page. The viewer is ofd.js (npm,
// Apache-2.0: parses the package and draws the pages as SVG in the browser) in Debian's Chromium;
// the PDF page is drawn by poppler's pdftoppm. Both pictures of page 1 (and of the last page) go to
// --out side by side, for a person to look at; the test compares them cell by cell:
//
//   both pictures are scaled to 198 × 280 cells (about 1 mm each); a cell is ink when any of its
//   pixels is darker than 160; ink of one picture counts as matched when the other has ink within
//   one cell. agreement = matched ink of both / all ink of both. ofd.js draws the text with the
//   system font of the family the OFD names (not the embedded subset) and draws no simulated bold,
//   so glyph shapes differ slightly; rules, boxes, the QR code and the place of every line must
//   not. The test fails below 0.98, or when one picture has more than 1.25 times the other's ink,
//   and prints each page's agreement (0.997–1.000 when it was written).
//
//   node tests/browser/ofd_view_test.mjs --beian build/cli/beian --root . --out /tmp/ofd-view

import { spawnSync } from 'node:child_process';
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
    threshold: { type: 'string', default: '0.98' },
  },
});
if (!opts.beian || !opts.root || !opts.out) {
  console.error('usage: node ofd_view_test.mjs --beian PATH_TO_BEIAN --root SOURCE_ROOT --out DIR');
  process.exit(2);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const viewer = path.join(here, 'node_modules', 'ofd.js', 'lib', 'ofd.umd.min.js');
if (!fs.existsSync(viewer)) {
  console.error(`${viewer} is missing: run \`npm ci\` in tests/browser`);
  process.exit(2);
}
const root = path.resolve(opts.root);
const out = path.resolve(opts.out);
fs.mkdirSync(out, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'beian-ofd-view-'));
const threshold = Number(opts.threshold);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

const kinds = fs.readdirSync(path.join(root, 'templates'))
  .filter((k) => fs.existsSync(path.join(root, 'templates', k, 'example.json'))).sort();
const browser = await chromium.launch({ executablePath: opts.chromium, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 900, height: 1300 } });
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
await page.setContent('<html><body style="margin:0;background:#fff"><div id="out"></div></body></html>');
await page.addScriptTag({ content: fs.readFileSync(viewer, 'utf8') });

// The OFD's pages drawn by ofd.js at 794 px wide (A4 at 96 dpi); returns the page count.
async function showOfd(file, pageIndex) {
  return page.evaluate(async ({ b64, pageIndex }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
    return new Promise((resolve, reject) => ofd.parseOfdDocument({
      ofd: bytes,
      success(docs) {
        const divs = ofd.renderOfd(794, docs[0]);
        const host = document.getElementById('out');
        host.replaceChildren(divs[pageIndex]);
        resolve(divs.length);
      },
      fail(e) { reject(new Error(String(e))); },
    }));
  }, { b64: fs.readFileSync(file).toString('base64'), pageIndex });
}

// Agreement of two pictures (PNG bytes), as the header says.
async function agreement(pngA, pngB) {
  return page.evaluate(async ({ a, b }) => {
    const W = 198, H = 280;
    async function cells(b64) {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const ink = new Uint8Array(W * H);
      for (let y = 0; y < canvas.height; y++) {
        for (let x = 0; x < canvas.width; x++) {
          const i = (y * canvas.width + x) * 4;
          if (0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2] < 160) {
            ink[Math.min(H - 1, Math.floor(y * H / canvas.height)) * W + Math.min(W - 1, Math.floor(x * W / canvas.width))] = 1;
          }
        }
      }
      return ink;
    }
    const A = await cells(a), B = await cells(b);
    const near = (M, x, y) => {
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < W && yy < H && M[yy * W + xx]) return true;
      }
      return false;
    };
    let inkA = 0, inkB = 0, matched = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      if (A[y * W + x]) { inkA++; if (near(B, x, y)) matched++; }
      if (B[y * W + x]) { inkB++; if (near(A, x, y)) matched++; }
    }
    return { agreement: (inkA + inkB) ? matched / (inkA + inkB) : 1, inkA, inkB };
  }, { a: pngA.toString('base64'), b: pngB.toString('base64') });
}

let failed = 0;
const number = (kind) => `OFD-20261127-${kind.length.toString().padStart(4, '0')}`;
for (const kind of kinds) {
  const example = path.join(root, 'templates', kind, 'example.json');
  const pdf = path.join(work, `${kind}.pdf`), ofdFile = path.join(work, `${kind}.ofd`);
  const common = [kind, example, '--number', number(kind), '--issued-at', '2026-11-27T10:00:00+08:00'];
  run(opts.beian, ['--root', root, 'render', ...common, '-o', pdf]);
  run(opts.beian, ['--root', root, 'render', ...common, '--format', 'ofd', '-o', ofdFile]);
  const pages = Number(run('pdfinfo', [pdf]).match(/Pages:\s+(\d+)/)[1]);
  for (const p of [...new Set([1, pages])]) {
    const ofdPages = await showOfd(ofdFile, p - 1);
    const ofdShot = await (await page.$('#out > div')).screenshot();
    const base = path.join(work, `${kind}-${p}`);
    run('pdftoppm', ['-r', '96', '-f', String(p), '-l', String(p), '-png', '-singlefile', pdf, base]);
    const pdfShot = fs.readFileSync(base + '.png');
    fs.writeFileSync(path.join(out, `${kind}-p${p}-ofd.png`), ofdShot);
    fs.writeFileSync(path.join(out, `${kind}-p${p}-pdf.png`), pdfShot);
    const a = await agreement(pdfShot, ofdShot);
    const ratio = Math.max(a.inkA, a.inkB) / Math.max(1, Math.min(a.inkA, a.inkB));
    const ok = ofdPages === pages && a.agreement >= threshold && ratio <= 1.25;
    if (!ok) failed++;
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${kind} page ${p}/${pages} (OFD ${ofdPages} pages): agreement ${a.agreement.toFixed(3)}` +
      ` (ink cells PDF ${a.inkA}, OFD ${a.inkB})`);
  }
}
await browser.close();
fs.rmSync(work, { recursive: true, force: true });
if (errors.length) {
  console.log('page errors: ' + errors.join('; '));
  failed++;
}
console.log(failed ? `${failed} failed` : `all ${kinds.length} kinds: the OFD looks like the PDF; pictures in ${out}`);
process.exit(failed ? 1 : 0);
