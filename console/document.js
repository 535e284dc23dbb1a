// One document (/documents/{id}): where it stands, its PDF, its scans
// (提交件 and 签章件), reprints, the state timeline and audit entries from the
// audit log, its digests; for the bureau and admin the lifecycle actions
// (受理, 备案, 不予备案, 作废), attaching the 签章件 and reprinting (重新打印,
// 补打); for the enterprise submitting its stamped scan (提交件).

import { ApiError, displayFileName, getJson, isQuiet, request, scanMediaType, sendJson, upload } from './api.js';
import {
  chineseMessage, confirmDialog, dropZone, errorMessage, formatBytes, formatDate, h, kindTitle, loadKinds, notice, pdfName,
  progressLine, replace, retryNotice, saveBlob, shortDigest, standing, statusLabel, timeEl,
} from './ui.js';

const kNotFound = '未找到该文书（或无权查看）';

function isClerk(user) {
  return user.role === 'bureau' || user.role === 'admin';
}

// ---------------------------------------------------------------------------
// Sections

function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

// A definition list of [label, value] rows, leaving out empty values.
function facts(rows) {
  const items = [];
  for (const [label, value] of rows) {
    if (value === null || value === undefined || value === '') continue;
    items.push(h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, value)));
  }
  return h('dl', { class: 'facts' }, items);
}

function standingSection(doc) {
  return section('办理情况', facts([
    ['状态', standing(doc)],
    ['受理日期', doc.accepted_on ? timeEl(doc.accepted_on, false) : null],
    ['决定期限', doc.decision_due && doc.status === 'accepted'
      ? (doc.decision_due_provisional
        ? h('span', null, timeEl(doc.decision_due, false), h('span', { class: 'muted', title: '次年节假日安排尚未收录，按周一至周五推算' }, '（暂定）'))
        : timeEl(doc.decision_due, false))
      : null],
    ['备案编号', doc.filing_number],
    [doc.status === 'refused' ? '不予备案时间' : '备案时间', doc.decided_at ? timeEl(doc.decided_at) : null],
    ['作废时间', doc.revoked_at ? timeEl(doc.revoked_at) : null],
    [doc.status === 'revoked' ? '作废理由' : '理由', doc.status_reason],
  ]));
}

function metadataSection(doc, kinds) {
  return section('基本信息', facts([
    ['文书编号', h('span', { class: 'doc-number' }, doc.number)],
    ['类别', kindTitle(kinds, doc.kind)],
    ['企业名称', doc.enterprise_name],
    ['统一社会信用代码', doc.credit_code ? h('span', { class: 'mono' }, doc.credit_code) : null],
    ['项目', doc.project_name],
    ['区', doc.district],
    ['出具时间', timeEl(doc.issued_at)],
    ['页数', `${doc.pages} 页（${formatBytes(doc.bytes)}）`],
    ['模板版本', `第 ${doc.template_version} 版`],
  ]));
}

function digestSection(doc) {
  const proof = doc.proof
    ? `已纳入签名审计日志（第 ${doc.proof.seq} 条记录，可离线核验）`
    : null;
  return section('数字摘要', facts([
    ['SHA-256', h('code', { class: 'digest-full', id: 'doc-sha256' }, doc.sha256)],
    ['SM3', h('code', { class: 'digest-full', id: 'doc-sm3' }, doc.sm3)],
    ['审计证明', proof],
  ]));
}

function pdfSection(doc) {
  const src = `/v1/documents/${doc.id}/pdf`;
  return h('section', { class: 'card card-pdf' },
    h('div', { class: 'card-head' },
      h('h2', null, '文书 PDF'),
      h('div', { class: 'actions' },
        h('a', { href: src, class: 'btn', id: 'download-pdf', download: pdfName(doc.number) }, '下载 PDF'),
        h('a', { href: src, class: 'btn btn-quiet', target: '_blank', rel: 'noopener' }, '在新窗口打开'))),
    // The fragment asks the browser's viewer to fit the page width (the card
    // is narrower than an A4 page at 100 %).
    h('iframe', { class: 'pdf-frame', src: `${src}#view=FitH&navpanes=0`, title: `文书 ${doc.number} 的 PDF` }));
}

// ---------------------------------------------------------------------------
// Timeline and audit entries

const kStepLabels = {
  accepted: '受理',
  filed: '备案',
  refused: '不予备案',
  revoked: '作废',
  signed: '签章件已上传（已签章）',
  issued: '出具',
};

function stepDetail(to, detail) {
  if (to === 'accepted' && detail.decision_due) return `决定期限 ${formatDate(detail.decision_due)}`;
  if (to === 'filed' && detail.filing_number) return `备案编号 ${detail.filing_number}`;
  if ((to === 'refused' || to === 'revoked') && (detail.status_reason || detail.reason)) {
    return `理由：${detail.status_reason || detail.reason}`;
  }
  return '';
}

// An entry's detail as an object (also when it arrives as JSON text).
function detailOf(entry) {
  if (entry.detail && typeof entry.detail === 'object') return entry.detail;
  if (typeof entry.detail === 'string') {
    try {
      const parsed = JSON.parse(entry.detail);
      if (parsed && typeof parsed === 'object') return parsed;
    } catch {
      // not JSON: no detail
    }
  }
  return {};
}

// The lifecycle steps that happened, from the audit entries (or, when they
// cannot be read, from the document's own dates), then the step awaited.
function timelineSteps(doc, entries) {
  const steps = [];
  if (entries) {
    for (const e of entries) {
      const d = detailOf(e);
      if (e.action === 'ingest') steps.push({ label: '出具', at: e.at, actor: e.actor });
      else if (e.action === 'set-status') steps.push({ label: kStepLabels[d.to] || d.to, at: e.at, actor: e.actor, detail: stepDetail(d.to, d), to: d.to });
      else if (e.action === 'attach' && d.status === 'signed') steps.push({ label: kStepLabels.signed, at: e.at, actor: e.actor, to: 'signed' });
    }
  }
  if (steps.length === 0) {
    steps.push({ label: '出具', at: doc.issued_at });
    if (doc.accepted_on) steps.push({ label: '受理', at: doc.accepted_on, detail: stepDetail('accepted', doc) });
    if (doc.decided_at) steps.push({ label: kStepLabels[doc.status === 'refused' ? 'refused' : 'filed'], at: doc.decided_at, detail: stepDetail(doc.status, doc) });
    if (doc.revoked_at) steps.push({ label: '作废', at: doc.revoked_at, detail: stepDetail('revoked', doc), to: 'revoked' });
  }
  if (doc.status === 'issued' || doc.status === 'signed') steps.push({ label: '待受理', pending: true });
  if (doc.status === 'accepted') {
    steps.push({ label: '待决定（备案或不予备案）', pending: true, detail: doc.decision_due ? `期限 ${formatDate(doc.decision_due)}` : '' });
  }
  return steps;
}

function timelineSection(doc, entries) {
  const items = timelineSteps(doc, entries).map((step) => h('li', { class: `step ${step.pending ? 'step-pending' : ''} ${step.to ? `step-${step.to}` : ''}` },
    h('span', { class: 'step-dot', 'aria-hidden': 'true' }),
    h('div', { class: 'step-body' },
      h('div', { class: 'step-label' }, step.label),
      step.detail ? h('div', { class: 'step-detail' }, step.detail) : null,
      step.at ? h('div', { class: 'step-meta' }, step.at.length > 10 ? timeEl(step.at) : timeEl(step.at, false), step.actor ? ` · ${step.actor}` : '') : null)));
  return section('状态时间线', h('ol', { class: 'timeline' }, items));
}

function copyKind(copy) {
  return copy.of_record ? '签章件' : '提交件';
}

// One audit entry in words: [操作, 说明].
function describeEntry(e, doc) {
  const d = detailOf(e);
  switch (e.action) {
    case 'ingest':
      return ['出具', `文书编号 ${d.number || doc.number}`];
    case 'attach': {
      const copy = (doc.signed_copies || []).find((c) => c.id === d.signed_copy_id);
      const kind = copy ? copyKind(copy) : '扫描件';
      return [`上传${kind}`, copy ? displayFileName(copy.original_name) || `#${copy.id}` : ''];
    }
    case 'reprint':
      return [d.marked ? '补打' : '重新打印', d.operator ? `操作人 ${d.operator}` : ''];
    case 'set-status':
      return [kStepLabels[d.to] || '状态变更', `${statusLabel(d.from)} → ${statusLabel(d.to)}${stepDetail(d.to, d) ? `；${stepDetail(d.to, d)}` : ''}`];
    case 'attach-ofd':
      return ['生成OFD版式文件', d.ofd_sha256 ? `SHA-256 ${d.ofd_sha256.slice(0, 16)}…` : ''];
    default:
      return [e.action, ''];
  }
}

function auditSection(doc, entries) {
  if (!entries) return section('审计记录', h('p', { class: 'muted' }, '审计记录暂不可读'));
  const rows = entries.map((e) => {
    const [action, detail] = describeEntry(e, doc);
    return h('tr', null, h('td', { class: 'nowrap' }, timeEl(e.at)), h('td', { class: 'actor' }, e.actor), h('td', { class: 'nowrap' }, action), h('td', null, detail));
  });
  return section('审计记录', h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', id: 'audit-table' },
    h('caption', { class: 'visually-hidden' }, '审计记录'),
    h('thead', null, h('tr', null, ['时间', '操作人', '操作', '说明'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows))));
}

// ---------------------------------------------------------------------------
// Scans and reprints

function copiesTable(doc) {
  const copies = doc.signed_copies || [];
  if (copies.length === 0) return h('p', { class: 'muted' }, '尚无提交件或签章件');
  const rows = copies.map((c) => h('tr', null,
    h('td', { class: 'nowrap' }, h('span', { class: `badge ${c.of_record ? 'badge-filed' : 'badge-issued'}` }, copyKind(c))),
    h('td', { class: 'nowrap' }, timeEl(c.uploaded_at)),
    h('td', { class: 'filename' }, displayFileName(c.original_name) || '（未命名）'),
    h('td', { class: 'nowrap' }, `${c.pages} 页 · ${formatBytes(c.bytes)}`),
    h('td', null, shortDigest(c.sha256)),
    h('td', { class: 'nowrap' }, h('a', { href: `/v1/documents/${doc.id}/signed-copies/${c.id}/file`, target: '_blank', rel: 'noopener', 'aria-label': `查看${copyKind(c)} ${displayFileName(c.original_name)}` }, '查看'))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', id: 'copies-table' },
    h('caption', { class: 'visually-hidden' }, '提交件与签章件'),
    h('thead', null, h('tr', null, ['类型', '上传时间', '文件名', '页数', 'SHA-256', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows)));
}

function reprintsSection(doc) {
  const reprints = doc.reprints || [];
  if (reprints.length === 0) return null;
  const rows = reprints.map((r) => h('tr', null,
    h('td', { class: 'nowrap' }, timeEl(r.reprinted_at)),
    h('td', null, r.marked ? '补打' : '重新打印'),
    h('td', null, r.operator),
    h('td', null, shortDigest(r.sha256))));
  return section('打印记录', h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact' },
    h('caption', { class: 'visually-hidden' }, '打印记录'),
    h('thead', null, h('tr', null, ['时间', '类型', '操作人', 'SHA-256'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows))));
}

function uploadErrorText(e) {
  if (e instanceof ApiError) {
    if (e.status === 422) return `文件未通过检查：${chineseMessage(e.message)}`;
    if (e.status === 413) return '文件过大，请压缩后再上传';
    if (e.status === 415) return '请上传 PDF、JPG 或 PNG 文件';
    if (e.status === 409) return `无法上传：${chineseMessage(e.message)}`;
  }
  return errorMessage(e);
}

// The scans card: the list, and the drop zone for this role's kind of scan.
function copiesSection(doc, user, reload) {
  const clerk = isClerk(user);
  const children = [copiesTable(doc)];
  if (doc.status !== 'revoked') {
    const message = h('div', { class: 'upload-status', 'aria-live': 'polite' });
    const path = `/v1/documents/${doc.id}/${clerk ? 'signed-copies' : 'submitted-copies'}`;
    const what = clerk ? '签章件' : '提交件';
    const onFile = async (file) => {
      const type = scanMediaType(file);
      if (!type) {
        replace(message, notice('error', '请选择 PDF、JPG 或 PNG 文件'));
        return;
      }
      const progress = progressLine();
      replace(message, progress.el);
      try {
        await upload(path, file, { contentType: type, onProgress: (f) => progress.set(f) });
        reload({ kind: 'success', text: `已上传${what}：${file.name}` });
      } catch (e) {
        if (isQuiet(e)) return;
        replace(message, notice('error', uploadErrorText(e)));
      }
    };
    children.push(dropZone({
      id: 'scan-dropzone',
      label: clerk ? '上传签章件：将盖章扫描件拖到此处，或按此选择文件' : '提交盖章扫描件：将扫描件拖到此处，或按此选择文件',
      hint: 'PDF、JPG 或 PNG；上传后不可删除',
      accept: 'application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png',
      onFile,
    }), message);
  }
  return section('提交件与签章件', ...children);
}

// ---------------------------------------------------------------------------
// Actions (bureau and admin)

// The notice for a refused action. A 409 means the document moved on
// meanwhile (another clerk, another tab): say so, with the server's words,
// and offer to show where it stands now.
function transitionError(e, reload) {
  if (e instanceof ApiError && e.status === 409) {
    return notice('error', `操作未执行：该文书的状态已变化（${chineseMessage(e.message)}）。`,
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => reload(null) }, '刷新'));
  }
  if (e instanceof ApiError && e.status === 422) return notice('error', chineseMessage(e.message));
  return notice('error', errorMessage(e));
}

function actionsSection(doc, reload) {
  const panel = h('div', { class: 'action-panel', id: 'action-panel' });
  const message = h('div', { 'aria-live': 'polite' });
  const buttons = [];
  const closePanel = () => replace(panel);

  // Runs `step` with the button disabled; reloads the page on success.
  const run = async (button, step, success) => {
    button.disabled = true;
    replace(message);
    try {
      const after = await step();
      reload({ kind: 'success', text: success(after) });
    } catch (e) {
      if (isQuiet(e)) return;
      replace(message, transitionError(e, reload));
      button.disabled = false;
    }
  };
  const post = (action, body) => sendJson('POST', `/v1/documents/${doc.id}/${action}`, body);

  // An inline form in the panel: one text field, a confirm and a cancel button.
  const openForm = ({ id, label, multiline, required, placeholder, confirmLabel, danger, onSubmit }) => {
    replace(message);
    const control = multiline
      ? h('textarea', { id, rows: '3', required, placeholder })
      : h('input', { id, required, placeholder, autocomplete: 'off' });
    const error = h('div', { class: 'form-error', role: 'alert' });
    const confirm = h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary' }, confirmLabel);
    const form = h('form', { class: 'inline-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: id }, label), control),
      error,
      h('div', { class: 'actions' }, confirm, h('button', { type: 'button', class: 'btn', onclick: closePanel }, '取消')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = control.value.trim();
      if (required && !value) {
        error.textContent = `请填写${label.replace(/（.*）/, '')}`;
        control.focus();
        return;
      }
      onSubmit(value, confirm, error);
    });
    replace(panel, form);
    control.focus();
  };

  const add = (label, className, handler, id) => {
    const button = h('button', { type: 'button', class: `btn ${className || ''}`, id, onclick: (event) => handler(event.currentTarget) }, label);
    buttons.push(button);
  };

  if (doc.status === 'issued' || doc.status === 'signed') {
    add('受理', 'btn-primary', (button) => run(button, () => post('accept'),
      (after) => `已受理，决定期限 ${formatDate(after && after.decision_due)}`), 'action-accept');
  }
  if (doc.status === 'accepted') {
    add('备案', 'btn-primary', () => openForm({
      id: 'filing-number', label: '备案编号（可不填，默认为文书编号）', placeholder: doc.number, confirmLabel: '确认备案',
      onSubmit: (value, confirm) => run(confirm, () => post('file', value ? { filing_number: value } : {}),
        (after) => `已备案，备案编号 ${after && after.filing_number}`),
    }), 'action-file');
    add('不予备案', '', () => openForm({
      id: 'refuse-reason', label: '不予备案理由', multiline: true, required: true, confirmLabel: '确认不予备案',
      onSubmit: (value, confirm) => run(confirm, () => post('refuse', { reason: value }), () => '已决定不予备案'),
    }), 'action-refuse');
  }
  const reprint = async (button, marked) => {
    button.disabled = true;
    replace(message, h('span', { class: 'muted' }, '正在生成…'));
    try {
      const response = await request('POST', `/v1/documents/${doc.id}/reprints`, { json: { marked } });
      saveBlob(await response.blob(), pdfName(doc.number, marked ? '-补打' : ''));
      reload({ kind: 'success', text: marked ? '已生成补打件（已下载）' : '已重新打印（已下载）' });
    } catch (e) {
      if (isQuiet(e)) return;
      replace(message, transitionError(e, reload));
      button.disabled = false;
    }
  };
  add('重新打印', '', (button) => reprint(button, false), 'action-reprint');
  add('补打', '', (button) => reprint(button, true), 'action-reprint-marked');
  if (doc.status !== 'revoked') {
    add('作废', 'btn-danger-outline', () => openForm({
      id: 'revoke-reason', label: '作废理由', multiline: true, required: true, confirmLabel: '作废', danger: true,
      onSubmit: async (value, confirm) => {
        const sure = await confirmDialog({
          title: '确认作废',
          message: `确定作废文书 ${doc.number}？作废后不可恢复，核验时将显示为作废。`,
          confirmLabel: '确定作废',
          danger: true,
        });
        if (sure) run(confirm, () => post('revoke', { reason: value }), () => '文书已作废');
      },
    }), 'action-revoke');
  }
  return section('办理', h('div', { class: 'actions action-buttons' }, buttons), panel, message,
    h('p', { class: 'hint' }, '重新打印：原件原样下载；补打：每页加盖“补打”标记，另行存档。'));
}

// ---------------------------------------------------------------------------
// The page

function renderDocument(body, doc, entries, kinds, user, reload) {
  const left = [standingSection(doc)];
  if (isClerk(user)) left.push(actionsSection(doc, reload));
  left.push(
    copiesSection(doc, user, reload),
    metadataSection(doc, kinds),
    timelineSection(doc, entries),
    reprintsSection(doc),
    auditSection(doc, entries),
    digestSection(doc));
  replace(body,
    h('div', { class: 'doc-main' }, left),
    h('div', { class: 'doc-side' }, pdfSection(doc)));
}

export async function documentPage(container, { params, user, signal, setTitle }) {
  const id = params.id;
  const heading = h('h1', null, '文书');
  const subtitle = h('p', { class: 'muted doc-subtitle' });
  const messages = h('div', { class: 'messages', 'aria-live': 'polite' });
  const body = h('div', { class: 'doc-layout', 'aria-busy': 'true' }, h('div', { class: 'doc-main' }, h('div', { class: 'card card-loading' }, h('span', { class: 'skeleton' }))));
  // A message brought from the page before (文书已出具) goes with this
  // page's own messages, and gives way to the next one.
  const flash = container.querySelector(':scope > .notice');
  if (flash) messages.append(flash);
  container.append(h('div', { class: 'page-head' }, h('div', null, heading, subtitle)), messages, body);

  // Loads (again) and draws the document; `done` is a notice to show on top.
  const load = async (done) => {
    body.setAttribute('aria-busy', 'true');
    try {
      const [doc, audit, kinds] = await Promise.all([
        getJson(`/v1/documents/${id}`, { signal }),
        getJson(`/v1/documents/${id}/audit`, { signal }).catch((e) => {
          if (isQuiet(e)) throw e;
          return null; // the page stands without the audit entries
        }),
        loadKinds().catch(() => []),
      ]);
      replace(heading, doc.number, ' ', standing(doc));
      subtitle.textContent = `${kindTitle(kinds, doc.kind)}${doc.enterprise_name ? ` · ${doc.enterprise_name}` : ''}`;
      setTitle(doc.number);
      if (done) replace(messages, notice(done.kind, done.text));
      renderDocument(body, doc, audit ? audit.entries : null, kinds, user, load);
      body.removeAttribute('aria-busy');
      if (done) {
        // The button pressed is gone with the old content: keep the keyboard
        // user at the result.
        const shown = messages.firstChild;
        shown.setAttribute('tabindex', '-1');
        shown.focus();
      }
    } catch (e) {
      if (isQuiet(e)) return;
      body.removeAttribute('aria-busy');
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
        replace(heading, '文书');
        replace(body, notice('warning', kNotFound));
      } else if (e instanceof ApiError && e.status === 403) {
        replace(body, notice('warning', kNotFound));
      } else {
        replace(body, retryNotice(e, () => load(done)));
      }
    }
  };
  await load(null);
}
