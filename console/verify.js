// 文件核验 (/verify-file): is this file one the archive holds? The file goes
// to POST /v1/verify, which answers every document, scan (提交件/签章件) and
// reprint (补打) with exactly these bytes that the user may see.

import { ApiError, displayFileName, getJson, isQuiet, request } from './api.js';
import { dropZone, errorMessage, formatBytes, h, notice, replace, shortDigest, standing, timeEl } from './ui.js';

// A link to the document, by its number when known.
function docLink(id, numbers) {
  return h('a', { href: `/documents/${id}` }, numbers.get(id) || `文书 #${id}`);
}

function matchList(title, items) {
  if (items.length === 0) return null;
  return h('section', { class: 'card' }, h('h2', null, title), h('ul', { class: 'match-list' }, items));
}

// The numbers of the documents the scans and reprints belong to: those not
// among the matches are asked for (a failure leaves the id shown).
async function documentNumbers(body) {
  const numbers = new Map(body.documents.map((d) => [d.id, d.number]));
  const missing = [...new Set([...body.signed_copies, ...body.reprints].map((x) => x.document_id))].filter((id) => !numbers.has(id));
  const found = await Promise.all(missing.map((id) => getJson(`/v1/documents/${id}`).then((d) => [id, d.number]).catch(() => null)));
  for (const entry of found) if (entry) numbers.set(entry[0], entry[1]);
  return numbers;
}

function resultView(file, body, numbers) {
  const documents = body.documents.map((d) => h('li', null,
    h('div', null, docLink(d.id, numbers), ' ', standing(d)),
    h('div', { class: 'muted' }, [d.enterprise_name, d.project_name].filter(Boolean).join(' · '), ' · 出具于 ', timeEl(d.issued_at))));
  const copies = body.signed_copies.map((c) => h('li', null,
    h('div', null, c.of_record ? '签章件（正式件）' : '提交件', '，属于 ', docLink(c.document_id, numbers)),
    h('div', { class: 'muted' }, '上传于 ', timeEl(c.uploaded_at), c.original_name ? ` · ${displayFileName(c.original_name)}` : '')));
  const reprints = body.reprints.map((r) => h('li', null,
    h('div', null, r.marked ? '补打件' : '重新打印件', '，属于 ', docLink(r.document_id, numbers)),
    h('div', { class: 'muted' }, '打印于 ', timeEl(r.reprinted_at), r.operator ? ` · 操作人 ${r.operator}` : '')));
  return [
    notice('success', `该文件在档案中：${file.name}（${formatBytes(file.size)}）`),
    h('p', { class: 'muted' }, 'SHA-256 ', shortDigest(body.sha256)),
    matchList('文书原件', documents),
    matchList('提交件与签章件', copies),
    matchList('补打与重新打印', reprints),
  ];
}

export function verifyFilePage(container) {
  const result = h('div', { class: 'verify-result', id: 'verify-result', 'aria-live': 'polite' });
  const check = async (file) => {
    replace(result, h('p', { class: 'muted' }, `正在核验 ${file.name}…`));
    try {
      const response = await request('POST', '/v1/verify', { body: file, contentType: file.type || 'application/octet-stream' });
      const body = await response.json();
      replace(result, resultView(file, body, await documentNumbers(body)));
    } catch (e) {
      if (isQuiet(e)) return;
      if (e instanceof ApiError && e.status === 404) {
        replace(result, notice('warning', `该文件不在档案中：${file.name}`),
          h('p', { class: 'muted' }, '档案中没有与该文件逐字节相同的文书、扫描件或补打件。经过修改、重新扫描或另存的文件不会相同。'));
      } else if (e instanceof ApiError && e.status === 413) {
        replace(result, notice('error', '文件过大，无法核验'));
      } else {
        replace(result, notice('error', errorMessage(e)));
      }
    }
  };
  container.append(
    h('h1', null, '文件核验'),
    h('p', { class: 'muted' }, '核对一份 PDF 或扫描件是否为档案中的文书、提交件、签章件或补打件。文件只用于比对，不会存档。'),
    dropZone({ id: 'verify-dropzone', label: '将要核验的文件拖到此处，或按此选择文件', hint: 'PDF、JPG、PNG 等任意文件', accept: '', onFile: check }),
    result);
}
