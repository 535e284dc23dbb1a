// 出具文书: choosing a kind (/new) and filling its generated form
// (/new/{kind}): 填入示例, 导入/导出数据文件, 预览 (the PDF in the page), 出具
// (archived, then its page); a 422 shows every problem at its input and in a
// list on top.

import { ApiError, getJson, isQuiet, request } from './api.js';
import { buildSchemaForm } from './schema_form.js';
import { chineseMessage, confirmDialog, errorMessage, formatBytes, h, loadKinds, notice, pdfName, replace, retryNotice, saveBlob } from './ui.js';

// The kinds a role issues: the enterprise its own papers, the bureau its
// own, an admin any.
function kindsFor(user, kinds) {
  if (user.role === 'admin') return kinds;
  return kinds.filter((k) => k.issuer === user.role);
}

export async function kindsPage(container, { user, signal }) {
  const list = h('ul', { class: 'kind-list' }, h('li', { class: 'muted' }, '正在加载…'));
  container.append(h('h1', null, '出具文书'), h('p', { class: 'muted' }, '选择要出具的文书类别。填写后可先预览，确认无误再出具；出具后即存档并编号。'), list);
  try {
    const kinds = kindsFor(user, await loadKinds());
    if (signal.aborted) return;
    replace(list, kinds.length === 0
      ? h('li', { class: 'empty' }, '当前账号没有可出具的文书类别')
      : kinds.map((k) => h('li', null, h('a', { href: `/new/${k.kind}`, class: 'kind-card' },
        h('span', { class: 'kind-title' }, k.title),
        h('span', { class: 'kind-meta' }, `模板第 ${k.template_version} 版`)))));
  } catch (e) {
    if (isQuiet(e)) return;
    replace(list, h('li', null, retryNotice(e, () => location.reload())));
  }
}

// ---------------------------------------------------------------------------

// The data pointer of a problem. Problems point into `data` ("/staff/3/...");
// a path given from the request body's root ("/data/staff/3/...") is
// accepted too, unless the data itself has a member "data".
function dataPointer(path, schema) {
  if (typeof path !== 'string') return '';
  const hasDataMember = schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, 'data');
  if (!hasDataMember && (path === '/data' || path.startsWith('/data/'))) return path.slice(5);
  return path;
}

// Fields the server takes from the account: shown filled and fixed.
function lockAccountFields(form, user) {
  const lock = (path, value, why) => {
    const field = form.field(path);
    if (field && field.lock && value) field.lock(value, why);
  };
  if (user.role === 'enterprise') {
    lock(['enterprise', 'credit_code'], user.credit_code, '由登录账号确定');
    lock(['enterprise', 'name'], user.name, '由登录账号确定');
  } else if (user.role === 'bureau') {
    lock(['bureau', 'name'], user.name, '由登录账号确定');
    lock(['bureau', 'district'], user.district, '由登录账号确定');
  }
}

function problemsList(located, onFocus) {
  const errors = located.filter(({ problem }) => problem.severity !== 'warning');
  const warnings = located.filter(({ problem }) => problem.severity === 'warning');
  const item = ({ problem, target }) => {
    const text = target ? `${target.label}：${problem.message}` : problem.message;
    return h('li', null, target
      ? h('button', { type: 'button', class: 'link-button', onclick: () => onFocus(target) }, text)
      : text);
  };
  return h('div', { class: 'problems', id: 'form-problems', tabindex: '-1' },
    errors.length ? [h('h2', null, `有 ${errors.length} 处需要修改`), h('ul', null, errors.map(item))] : null,
    warnings.length ? [h('h3', null, '提示'), h('ul', { class: 'warnings' }, warnings.map(item))] : null);
}

function focusTarget(target) {
  target.control.scrollIntoView({ block: 'center' });
  target.control.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------
// Data files: the kind's data object as JSON, the shape of the example (what
// POST /v1/documents takes as "data"). A staff list of hundreds is kept in a
// file (made from a spreadsheet, or last year's filing), not typed row by row.

// The server refuses request bodies over 20 MB: a larger file could never be
// sent, so it is refused before it is read.
const kMaxDataFileBytes = 20 * 1024 * 1024;

// The data object of `file`; throws an Error whose message (Chinese) says
// why the file cannot be used. `form` tells which members the kind has.
async function readDataFile(file, form) {
  if (file.size > kMaxDataFileBytes) throw new Error(`文件有 ${formatBytes(file.size)}，超过服务器接收的上限 20 MB`);
  let text;
  try {
    text = await file.text();
  } catch {
    throw new Error('无法读取文件，请重新选择');
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('文件不是有效的 JSON');
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('文件内容不是数据对象（应为 { … }，与“填入示例”的数据结构相同）');
  // Not one member the form knows: another kind's file, or the whole request
  // body; filling with it would only empty the form.
  if (!Object.keys(data).some((key) => form.field([key]))) throw new Error('文件中没有本类文书的数据项，请确认选择的文件');
  return data;
}

// 导入数据文件: a button that opens the file picker (.json only). The input
// stays out of the tab order; the button is what the keyboard reaches.
function importButton(onFile) {
  const input = h('input', { type: 'file', id: 'import-file', accept: '.json,application/json', class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true' });
  const button = h('button', { type: 'button', class: 'btn', id: 'import-data' }, '导入数据文件');
  button.addEventListener('click', () => input.click());
  // Choosing a file is not typing: the form's input listener must not take
  // it for changed data (and ask before the import replaces it).
  input.addEventListener('input', (event) => event.stopPropagation());
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    // Emptied, so choosing the same file again (after fixing it) is a change.
    input.value = '';
    if (file) onFile(file);
  });
  return [button, input];
}

// Lets `zone` take a file dragged from the desktop. Only drags that carry
// files are taken: text dragged between inputs keeps working.
function takeDroppedFile(zone, onFile) {
  const hasFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files');
  zone.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove('dragging');
  });
  zone.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  });
}

export async function newDocumentPage(container, { params, user, signal, navigate, setTitle, setFlash, restored }) {
  const heading = h('h1', null, '出具文书');
  const top = h('div', { class: 'form-messages', 'aria-live': 'polite' });
  const formHost = h('div', { class: 'card', 'aria-busy': 'true' }, h('p', { class: 'muted' }, '正在加载表单…'));
  container.append(h('p', { class: 'breadcrumb' }, h('a', { href: '/new' }, '出具文书'), ' / '), heading, top, formHost);

  let schema;
  let kind;
  try {
    const [kinds, s] = await Promise.all([
      loadKinds(),
      getJson(`/v1/kinds/${encodeURIComponent(params.kind)}/schema`, { signal }),
    ]);
    kind = kinds.find((k) => k.kind === params.kind);
    schema = s;
  } catch (e) {
    if (isQuiet(e)) return undefined;
    replace(formHost, e instanceof ApiError && e.status === 404
      ? notice('warning', '没有这种文书类别')
      : retryNotice(e, () => location.reload()));
    return undefined;
  }
  const title = (kind && kind.title) || schema.title || params.kind;
  replace(heading, title);
  container.querySelector('.breadcrumb').append(title);
  setTitle(title);

  const form = buildSchemaForm(schema);
  lockAccountFields(form, user);
  if (restored) {
    form.write(restored);
    lockAccountFields(form, user);
  }
  let dirty = Boolean(restored);
  const exampleButton = h('button', { type: 'button', class: 'btn', id: 'fill-example' }, '填入示例');
  const exportButton = h('button', { type: 'button', class: 'btn', id: 'export-data' }, '导出数据文件');
  const previewButton = h('button', { type: 'submit', class: 'btn', id: 'preview', 'data-action': 'preview' }, '预览');
  const issueButton = h('button', { type: 'submit', class: 'btn btn-primary', id: 'issue', 'data-action': 'issue' }, '出具');
  const status = h('span', { class: 'muted', 'aria-live': 'polite' });
  const previewHost = h('div', { class: 'preview-host' });
  const formEl = h('form', { class: 'schema-form', novalidate: true, id: 'document-form' },
    h('div', { class: 'form-toolbar' }, exampleButton, importButton((file) => importFile(file)), exportButton,
      h('span', { class: 'hint' }, '带 * 的为必填项。数据文件也可直接拖到表单上。')),
    form.el,
    h('div', { class: 'form-actions' }, previewButton, issueButton, status));
  replace(formHost, formEl);
  formHost.classList.remove('card');
  formHost.removeAttribute('aria-busy');
  container.append(previewHost);
  formEl.addEventListener('input', () => { dirty = true; });

  // What was typed is replaced only when the person agrees.
  const mayReplace = async (title, message) => !dirty || confirmDialog({ title, message, confirmLabel: '替换' });

  // Fills the form with a whole data object (the example or a data file):
  // members the schema has no input for are dropped, and the fields the
  // server takes from the account are set from it again, whatever the data
  // says. `own` data (a file) is the person's work: kept when the page is
  // left, and not replaced without asking, as if typed.
  const fillWith = (data, { own, mark, started }) => {
    form.write(data);
    lockAccountFields(form, user);
    form.clearProblems();
    replace(top);
    dirty = own;
    performance.measure(mark, { start: started, end: performance.now() });
  };

  exampleButton.addEventListener('click', async () => {
    if (!(await mayReplace('填入示例', '示例数据将替换已填写的内容，是否继续？'))) return;
    exampleButton.disabled = true;
    try {
      const example = await getJson(`/v1/kinds/${encodeURIComponent(params.kind)}/example`, { signal });
      fillWith(example, { own: false, mark: 'beian:example-filled', started: performance.now() });
    } catch (e) {
      if (!isQuiet(e)) replace(top, notice('error', `无法载入示例：${errorMessage(e)}`));
    } finally {
      exampleButton.disabled = false;
    }
  });

  // A file chosen or dropped. A file that cannot be used changes nothing in
  // the form: the reason is told on top. The measure runs from the choice
  // to the rows written (reading and parsing included).
  const importFile = async (file) => {
    const started = performance.now();
    let data;
    try {
      data = await readDataFile(file, form);
    } catch (e) {
      replace(top, notice('error', `无法导入“${file.name}”：${e.message}`));
      return;
    }
    if (signal.aborted || !(await mayReplace('导入数据文件', '文件中的数据将替换已填写的内容，是否继续？'))) return;
    fillWith(data, { own: true, mark: 'beian:data-imported', started });
    replace(top, notice('success', `已导入“${file.name}”，请核对后预览。`));
  };
  takeDroppedFile(formEl, importFile);

  // 导出数据文件: the data as it would be sent, to keep as a draft or to
  // start next year's filing from (导入数据文件 takes it back).
  exportButton.addEventListener('click', () => {
    const json = `${JSON.stringify(form.read() || {}, null, 2)}\n`;
    saveBlob(new Blob([json], { type: 'application/json' }), `${params.kind}-数据.json`);
  });

  let previewUrl = null;
  const showPreview = (blob, number) => {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(blob);
    const download = h('button', { type: 'button', class: 'btn btn-quiet' }, '下载预览');
    download.addEventListener('click', () => saveBlob(blob, pdfName(number || title, '-预览')));
    replace(previewHost, h('section', { class: 'card card-pdf', id: 'preview-panel' },
      h('div', { class: 'card-head' },
        h('h2', null, '预览', h('span', { class: 'muted' }, '（未出具、未存档，编号为临时编号）')),
        h('div', { class: 'actions' }, download)),
      h('iframe', { class: 'pdf-frame', src: previewUrl, title: '预览 PDF' })));
    previewHost.scrollIntoView({ block: 'start' });
  };
  signal.addEventListener('abort', () => { if (previewUrl) URL.revokeObjectURL(previewUrl); });

  // The 422 answer: every problem at its input and all of them on top.
  const showProblems = (problems) => {
    const located = form.showProblems(problems.map((p) => ({ ...p, path: dataPointer(p.path, schema) })));
    replace(top, problemsList(located, focusTarget));
    const first = located.find(({ problem, target }) => target && problem.severity !== 'warning');
    if (first) focusTarget(first.target);
    else top.firstChild.focus();
  };

  // 128 random bits in hex (crypto.randomUUID needs a secure context; an
  // intranet server may be plain HTTP).
  const randomKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  // An issue sent again with the same data (after a lost answer) carries the
  // same Idempotency-Key, so the server answers with the document the first
  // one made instead of issuing a second.
  let issued = { body: '', key: '' };
  const submit = async (action) => {
    const issuing = action === 'issue';
    const data = form.read() || {};
    const body = JSON.stringify({ kind: params.kind, data, preview: !issuing });
    if (issuing && body !== issued.body) issued = { body, key: randomKey() };
    previewButton.disabled = true;
    issueButton.disabled = true;
    status.textContent = issuing ? '正在出具…' : '正在生成预览…';
    try {
      const headers = issuing ? { 'Idempotency-Key': issued.key } : { Accept: 'application/pdf' };
      const response = await request('POST', '/v1/documents', { body, contentType: 'application/json', headers });
      form.clearProblems();
      replace(top);
      if (issuing) {
        const doc = await response.json();
        const warnings = (doc.warnings || []).map((w) => w.message).join('；');
        setFlash('success', `文书已出具并存档：${doc.number}${warnings ? `。提示：${warnings}` : ''}`);
        dirty = false;
        navigate(`/documents/${doc.id}`);
        return;
      }
      showPreview(await response.blob(), response.headers.get('X-Document-Number'));
      status.textContent = '预览已生成';
    } catch (e) {
      if (isQuiet(e)) return;
      status.textContent = '';
      if (e instanceof ApiError && e.status === 422 && e.problems.length) {
        showProblems(e.problems);
      } else if (e instanceof ApiError && (e.status === 422 || e.status === 403) && e.field) {
        const text = chineseMessage(e.message);
        showProblems([{ path: e.field, message: e.status === 403 ? `无权以此身份出具：${text}` : text, severity: 'error' }]);
      } else {
        replace(top, notice('error', errorMessage(e)));
        top.scrollIntoView({ block: 'nearest' });
      }
    } finally {
      previewButton.disabled = false;
      issueButton.disabled = false;
    }
  };
  formEl.addEventListener('submit', (event) => {
    event.preventDefault();
    // Enter in a field submits with the first button: 预览, never 出具.
    const action = event.submitter && event.submitter.dataset.action === 'issue' ? 'issue' : 'preview';
    submit(action);
  });

  // Back to this page brings back what was typed.
  return { leave: () => (dirty ? form.read() : null) };
}
