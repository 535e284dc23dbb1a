// Small DOM helpers and the field's words: Chinese dates, statuses, badges,
// notices, a confirmation dialog and the drop zone used for scans.
//
// Text always goes into the page as text nodes (never through innerHTML), so
// names and reasons from the archive cannot inject markup.

import { ApiError, getJson } from './api.js';

// Creates an element: h('a', {href: '/x', class: 'link', onclick: f}, 'text', child, ...).
// Attributes with a null/undefined/false value are left out; `true` sets it empty.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') {
        el.addEventListener(name.slice(2), value);
      } else if (name === 'dataset') {
        Object.assign(el.dataset, value);
      } else if (name === 'value' || name === 'checked' || name === 'selected') {
        el[name] = value;
      } else {
        el.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

// Replaces every child of `el`.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// ---------------------------------------------------------------------------
// Dates. The server speaks Beijing time (RFC 3339 with +08:00); the browser
// may be anywhere, so dates are read from the text, never via the local zone.

const kBeijingOffsetMs = 8 * 3600 * 1000;

function beijingParts(text) {
  if (!text) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(text);
  if (!m) return null;
  const zoned = /([+-]\d{2}:\d{2}|Z)$/.exec(text);
  if (m[4] !== undefined && zoned && zoned[1] !== '+08:00') {
    // Another offset: convert to Beijing time.
    const d = new Date(new Date(text).getTime() + kBeijingOffsetMs);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), hh: d.getUTCHours(), mm: d.getUTCMinutes() };
  }
  return { y: +m[1], mo: +m[2], d: +m[3], hh: m[4] === undefined ? null : +m[4], mm: m[5] === undefined ? null : +m[5] };
}

// "2026-12-06" or a time → "2026年12月6日"; '' → '—'.
export function formatDate(text) {
  const p = beijingParts(text);
  return p ? `${p.y}年${p.mo}月${p.d}日` : text || '—';
}

// "2026-12-06T14:05:00+08:00" → "2026年12月6日 14:05".
export function formatDateTime(text) {
  const p = beijingParts(text);
  if (!p) return text || '—';
  if (p.hh === null) return formatDate(text);
  return `${p.y}年${p.mo}月${p.d}日 ${String(p.hh).padStart(2, '0')}:${String(p.mm).padStart(2, '0')}`;
}

// A <time> element showing `text` in Chinese.
export function timeEl(text, withTime = true) {
  if (!text) return '—';
  return h('time', { datetime: text }, withTime ? formatDateTime(text) : formatDate(text));
}

// 183204 → "178.9 KB".
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} 字节`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------
// Statuses

export const kStatusLabels = {
  issued: '已出具',
  signed: '已签章',
  accepted: '已受理',
  filed: '已备案',
  refused: '不予备案',
  revoked: '作废',
};

export function statusLabel(status) {
  return kStatusLabels[status] || status;
}

// The coloured status badge.
export function statusBadge(status) {
  return h('span', { class: `badge badge-${status}` }, statusLabel(status));
}

// Where a filing stands, in the words of the field: 已受理（决定期限 …）,
// 已备案（备案编号 …）, 不予备案（理由：…）.
export function standingText(doc) {
  switch (doc.status) {
    case 'accepted':
      return doc.decision_due
        ? `已受理（决定期限 ${formatDate(doc.decision_due)}${doc.decision_due_provisional ? '，暂定' : ''}）` : '已受理';
    case 'filed':
      return doc.filing_number ? `已备案（备案编号 ${doc.filing_number}）` : '已备案';
    case 'refused':
      return doc.status_reason ? `不予备案（理由：${doc.status_reason}）` : '不予备案';
    case 'revoked':
      return doc.status_reason ? `作废（理由：${doc.status_reason}）` : '作废';
    default:
      return statusLabel(doc.status);
  }
}

// The badge followed by the standing's detail (deadline, 备案编号, reason).
export function standing(doc) {
  const full = standingText(doc);
  const label = statusLabel(doc.status);
  const detail = full.startsWith(label) ? full.slice(label.length).replace(/^（|）$/g, '') : '';
  return h('span', { class: 'standing' }, statusBadge(doc.status), detail ? h('span', { class: 'standing-detail' }, detail) : null);
}

// ---------------------------------------------------------------------------
// Kinds (their Chinese titles), fetched once per session.

let kindsPromise = null;

export function loadKinds() {
  if (!kindsPromise) {
    kindsPromise = getJson('/v1/kinds').then((body) => body.kinds).catch((e) => {
      kindsPromise = null;
      throw e;
    });
  }
  return kindsPromise;
}

export function forgetKinds() {
  kindsPromise = null;
}

// The kind's Chinese title, or the kind itself when the list is unknown.
export function kindTitle(kinds, kind) {
  const found = (kinds || []).find((k) => k.kind === kind);
  return found ? found.title : kind;
}

// ---------------------------------------------------------------------------
// Notices and errors

// A notice box: kind is 'info' | 'success' | 'warning' | 'error'.
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' || kind === 'warning' ? 'alert' : 'status' }, ...children);
}

// The Chinese half of a server message written "中文 / English", else the
// message as it is.
export function chineseMessage(message) {
  const text = String(message || '');
  const cut = text.indexOf(' / ');
  return cut > 0 && /[\u4e00-\u9fff]/.test(text.slice(0, cut)) ? text.slice(0, cut) : text;
}

// What to tell a person about a failed call (Chinese).
export function errorMessage(error) {
  if (!(error instanceof ApiError)) return '出现意外错误，请刷新页面后重试';
  if (error.status === 0) return '无法连接服务器，请稍后重试';
  if (error.status >= 500) return '服务暂时不可用，请稍后重试';
  if (error.status === 404) return '未找到（或无权查看）';
  if (error.status === 403) return `无权执行此操作（${chineseMessage(error.message)}）`;
  return chineseMessage(error.message);
}

// The 5xx / network notice with a 重试 button that calls `retry`.
export function retryNotice(error, retry) {
  return notice('error', h('span', null, errorMessage(error)), ' ', h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, '重试'));
}

// ---------------------------------------------------------------------------
// Confirmation dialog (a modal <dialog>: focus stays inside, Esc cancels).

export function confirmDialog({ title, message, confirmLabel, danger = false }) {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'submit', value: 'ok', class: danger ? 'btn btn-danger' : 'btn btn-primary' }, confirmLabel);
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'dialog-title' }, title),
        h('p', null, message),
        h('div', { class: 'actions' },
          ok,
          h('button', { type: 'submit', value: 'cancel', class: 'btn' }, '取消'))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
    ok.focus();
  });
}

// ---------------------------------------------------------------------------
// Drop zone: a focusable button that opens the file picker, and also takes a
// dropped file. onFile(file) is called with the one file chosen.

export function dropZone({ id, label, hint, accept, onFile }) {
  const input = h('input', { type: 'file', accept, class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true' });
  const zone = h('button', { type: 'button', class: 'dropzone', id },
    h('span', { class: 'dropzone-label' }, label),
    hint ? h('span', { class: 'dropzone-hint' }, hint) : null);
  zone.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    if (input.files && input.files[0]) onFile(input.files[0]);
    input.value = '';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files[0];
    if (file) onFile(file);
  });
  return h('div', { class: 'dropzone-wrap' }, zone, input);
}

// A progress line: set(fraction) updates it.
export function progressLine() {
  const bar = h('progress', { max: '100', value: '0' });
  const text = h('span', { class: 'progress-text' }, '0%');
  const el = h('div', { class: 'progress', role: 'status' }, bar, text);
  return {
    el,
    set(fraction) {
      const percent = Math.round(fraction * 100);
      bar.value = percent;
      text.textContent = `正在上传 ${percent}%`;
    },
  };
}

// ---------------------------------------------------------------------------
// Tables

// `count` grey placeholder rows of `columns` cells, the height of real rows,
// so the page does not jump when the results arrive.
export function skeletonRows(count, columns) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const cells = [];
    for (let c = 0; c < columns; c++) cells.push(h('td', null, h('span', { class: 'skeleton' })));
    rows.push(h('tr', { class: 'skeleton-row', 'aria-hidden': 'true' }, cells));
  }
  return rows;
}

// Makes a table row open `href` on click (the row's link stays the keyboard
// path; this only widens the target for the mouse).
export function rowLink(tr, href, navigate) {
  tr.classList.add('clickable');
  tr.addEventListener('click', (event) => {
    if (event.target.closest('a, button, input, select, textarea')) return;
    if (window.getSelection && String(window.getSelection())) return;
    navigate(href);
  });
}

// A short digest for tables: the first 12 hex, the whole in the title.
export function shortDigest(hex) {
  return h('code', { class: 'digest', title: hex }, `${hex.slice(0, 12)}…`);
}

// Triggers a download of `blob` as `name`.
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'visually-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// A file name made from a document number ("京朝备〔2026〕000123号.pdf").
export function pdfName(number, suffix = '') {
  return `${String(number).replace(/[\\/:*?"<>|]/g, '_')}${suffix}.pdf`;
}
