// Lists of documents: the clerk's work queue (待办), search (检索) and the
// enterprise's own documents (我的文书).

import { ApiError, getJson, isQuiet, withQuery } from './api.js';
import {
  errorMessage, formatDate, h, kindTitle, kStatusLabels, loadKinds, notice, replace, retryNotice,
  rowLink, skeletonRows, standing, statusBadge, timeEl,
} from './ui.js';

const kPageSize = 20;

function documentHref(doc) {
  return `/documents/${doc.id}`;
}

function numberLink(doc) {
  return h('a', { href: documentHref(doc), class: 'doc-number' }, doc.number);
}

// A table with a caption (for screen readers), headings and a body.
function table(caption, headings, className) {
  const tbody = h('tbody');
  const el = h('table', { class: `table ${className || ''}` },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, headings.map((text) => h('th', { scope: 'col' }, text)))),
    tbody);
  return { el, tbody };
}

// ---------------------------------------------------------------------------
// 待办: the work queue

const kWarnings = {
  due_soon: { label: '即将到期', legend: '即将到期（2 个工作日内）' },
  overdue: { label: '已逾期', legend: '已逾期' },
};

// "剩余 3 个工作日", "今日到期", "已逾期 2 个工作日".
function daysLeftText(left) {
  if (left === null || left === undefined) return '';
  if (left > 0) return `剩余 ${left} 个工作日`;
  if (left === 0) return '今日到期';
  return `已逾期 ${-left} 个工作日`;
}

function queueRow(doc, kinds, navigate) {
  const awaitingDecision = doc.awaiting === 'decision';
  const dateCell = awaitingDecision
    ? h('td', null, h('span', { class: 'cell-label' }, '受理'), ' ', timeEl(doc.accepted_on, false))
    : h('td', null, h('span', { class: 'cell-label' }, '出具'), ' ', timeEl(doc.issued_at, false));
  const dueCell = doc.decision_due
    ? h('td', null, h('div', null, formatDate(doc.decision_due), doc.decision_due_provisional ? '（暂定）' : ''),
      h('div', { class: `days-left ${doc.warning ? `days-${doc.warning}` : ''}` }, daysLeftText(doc.working_days_left)))
    : h('td', { class: 'muted' }, '待受理');
  const warning = kWarnings[doc.warning];
  const tr = h('tr', { class: doc.warning ? `warn-${doc.warning}` : null },
    h('td', null, numberLink(doc)),
    h('td', null, kindTitle(kinds, doc.kind)),
    h('td', null, doc.enterprise_name || '—'),
    h('td', null, doc.project_name || '—'),
    dateCell,
    dueCell,
    h('td', { class: 'nowrap' }, statusBadge(doc.status), warning ? h('span', { class: `badge badge-warn-${doc.warning}` }, warning.label) : null));
  rowLink(tr, documentHref(doc), navigate);
  return tr;
}

function queueLegend() {
  return h('ul', { class: 'legend', 'aria-label': '预警颜色说明' },
    h('li', null, h('span', { class: 'swatch swatch-due_soon', 'aria-hidden': 'true' }), kWarnings.due_soon.legend),
    h('li', null, h('span', { class: 'swatch swatch-overdue', 'aria-hidden': 'true' }), kWarnings.overdue.legend));
}

function queueSummary(documents) {
  const overdue = documents.filter((d) => d.warning === 'overdue').length;
  const soon = documents.filter((d) => d.warning === 'due_soon').length;
  const parts = [`共 ${documents.length} 件待办`];
  if (overdue) parts.push(`已逾期 ${overdue} 件`);
  if (soon) parts.push(`即将到期 ${soon} 件`);
  return parts.join('，');
}

export async function queuePage(container, { user, signal, navigate }) {
  const scope = user.role === 'admin' ? '全市' : user.district;
  const summary = h('p', { class: 'muted', id: 'queue-summary', 'aria-live': 'polite' }, '正在加载…');
  container.append(
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, '待办'), h('p', { class: 'muted' }, `${scope}待受理和待决定的文书，最紧急的在前`)),
      queueLegend()),
    summary);
  const { el, tbody } = table('待办文书', ['文书编号', '类别', '企业名称', '项目', '出具/受理日期', '决定期限', '状态'], 'table-queue');
  tbody.append(...skeletonRows(6, 7));
  const region = h('div', { class: 'table-wrap', 'aria-busy': 'true' }, el);
  container.append(region);

  const load = async () => {
    try {
      const [queue, kinds] = await Promise.all([getJson('/v1/queue', { signal }), loadKinds().catch(() => [])]);
      const documents = queue.documents || [];
      region.removeAttribute('aria-busy');
      if (documents.length === 0) {
        replace(region, h('div', { class: 'empty' }, '暂无待办'));
        summary.textContent = '共 0 件待办';
      } else {
        replace(tbody, documents.map((doc) => queueRow(doc, kinds, navigate)));
        summary.textContent = queueSummary(documents);
      }
      performance.mark('beian:queue-rendered');
    } catch (e) {
      if (isQuiet(e)) return;
      summary.textContent = '';
      replace(region, retryNotice(e, () => {
        replace(region, el);
        replace(tbody, skeletonRows(6, 7));
        load();
      }));
    }
  };
  await load();
}

// ---------------------------------------------------------------------------
// 检索

const kSearchKeys = ['q', 'kind', 'status', 'from', 'to'];

function searchParamsOf(query) {
  const params = {};
  for (const key of kSearchKeys) params[key] = query.get(key) || '';
  return params;
}

function queryString(params) {
  return withQuery('', params).replace(/^\?/, '');
}

// Why a query is not sent yet, or '' when it may be: one character matches
// too much (the server takes 2+ Chinese characters, pinyin, numbers).
function queryTooShort(q) {
  const text = q.trim();
  return text.length === 1 ? '请至少输入 2 个字（或拼音、文书编号、统一社会信用代码）' : '';
}

// The Chinese for a refused search (400), by the parameter at fault.
function searchErrorText(e) {
  if (!(e instanceof ApiError) || e.status !== 400) return errorMessage(e);
  switch (e.field) {
    case 'q': return '无法按此检索：请输入 2 个以上汉字、拼音或首字母、文书编号，或 6 位以上统一社会信用代码（不能按身份证号码检索）';
    case 'from':
    case 'to': return '日期格式不正确，请选择日期';
    case 'kind': return '没有这种文书类别';
    case 'status': return '没有这种状态';
    default: return `检索条件有误（${e.message}）`;
  }
}

function searchRow(doc, kinds, navigate) {
  const tr = h('tr', null,
    h('td', null, numberLink(doc)),
    h('td', null, kindTitle(kinds, doc.kind)),
    h('td', null, doc.enterprise_name || '—'),
    h('td', null, doc.project_name || '—'),
    h('td', { class: 'nowrap' }, doc.district),
    h('td', { class: 'nowrap' }, timeEl(doc.issued_at)),
    h('td', null, standing(doc)));
  rowLink(tr, documentHref(doc), navigate);
  return tr;
}

function labelled(id, label, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

export async function searchPage(container, { query, signal, navigate, restored }) {
  const params = searchParamsOf(query);
  const kindSelect = h('select', { id: 'search-kind', name: 'kind' }, h('option', { value: '' }, '全部类别'));
  const statusSelect = h('select', { id: 'search-status', name: 'status' },
    h('option', { value: '' }, '全部状态'),
    Object.entries(kStatusLabels).map(([value, label]) => h('option', { value }, label)));
  const qInput = h('input', {
    id: 'search-q', name: 'q', type: 'search', autocomplete: 'off', value: params.q,
    placeholder: '企业或项目名称、拼音或首字母、文书编号、统一社会信用代码',
  });
  const fromInput = h('input', { id: 'search-from', name: 'from', type: 'date', value: params.from });
  const toInput = h('input', { id: 'search-to', name: 'to', type: 'date', value: params.to });
  statusSelect.value = params.status;
  const clear = h('button', { type: 'button', class: 'btn' }, '清除条件');
  const form = h('form', { class: 'search-form', role: 'search', 'aria-label': '检索文书' },
    h('div', { class: 'field field-q' }, h('label', { for: 'search-q' }, '检索词'), qInput),
    h('div', { class: 'search-filters' },
      labelled('search-kind', '类别', kindSelect),
      labelled('search-status', '状态', statusSelect),
      labelled('search-from', '出具日期从', fromInput),
      labelled('search-to', '至', toInput),
      h('div', { class: 'field field-button' }, clear)));
  const summary = h('p', { class: 'result-summary', id: 'search-summary', 'aria-live': 'polite' });
  const { el, tbody } = table('检索结果', ['文书编号', '类别', '企业名称', '项目', '区', '出具时间', '状态'], 'table-search');
  const tableWrap = h('div', { class: 'table-wrap' }, el);
  // Keeps the height of a page of rows, so nothing below jumps while results load.
  const results = h('div', { class: 'results-region' }, tableWrap);
  const more = h('button', { type: 'button', class: 'btn', id: 'search-more', hidden: true }, '加载更多');
  container.append(h('h1', null, '检索'), form, summary, results, h('div', { class: 'more-row' }, more));
  qInput.focus();

  let kinds = [];

  // What is on screen: the parameters it answers, the documents, the cursor.
  let shown = { key: null, documents: [], next: null };
  let inFlight = null;
  let debounce = 0;

  const render = () => {
    if (shown.documents.length === 0) {
      replace(results, h('div', { class: 'empty' }, '未找到符合条件的文书'));
    } else {
      replace(results, tableWrap);
      replace(tbody, shown.documents.map((doc) => searchRow(doc, kinds, navigate)));
    }
    results.removeAttribute('aria-busy');
    more.hidden = !shown.next;
    summary.textContent = shown.documents.length
      ? `已显示 ${shown.documents.length} 条${shown.next ? '，还有更多' : ''}`
      : '';
    performance.mark('beian:search-rendered');
  };

  const showLoading = () => {
    results.setAttribute('aria-busy', 'true');
    if (shown.documents.length === 0 || !results.contains(el)) {
      replace(results, tableWrap);
      replace(tbody, skeletonRows(8, 7));
    }
    summary.textContent = '正在检索…';
  };

  // Runs the search of `p` (a new first page, or the next page when `cursor`).
  const run = async (p, cursor = null) => {
    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;
    const key = queryString(p);
    const tooShort = queryTooShort(p.q);
    if (tooShort) {
      summary.replaceChildren(notice('info', tooShort));
      results.removeAttribute('aria-busy');
      return;
    }
    if (!cursor) showLoading();
    else more.disabled = true;
    try {
      const page = await getJson(withQuery('/v1/search', { ...p, q: p.q.trim(), limit: kPageSize, cursor }), { signal: controller.signal });
      if (inFlight !== controller) return;
      shown = {
        key,
        documents: cursor ? shown.documents.concat(page.results) : page.results,
        next: page.next_cursor,
      };
      render();
    } catch (e) {
      if (isQuiet(e)) return;
      results.removeAttribute('aria-busy');
      if (!cursor && shown.key !== key) {
        shown = { key: null, documents: [], next: null };
        replace(results, h('div', { class: 'empty' }, e.status === 400 ? '请按上面的提示修改检索条件' : '暂时无法检索'));
        more.hidden = true;
      }
      summary.replaceChildren(e.status >= 500 || e.status === 0
        ? retryNotice(e, () => run(p, cursor))
        : notice('warning', searchErrorText(e)));
    } finally {
      if (inFlight === controller) inFlight = null;
      more.disabled = false;
    }
  };

  // The form's parameters into the URL (replacing the entry, so Back leaves
  // the page rather than stepping through keystrokes), then search.
  const changed = ({ now }) => {
    const p = {
      q: qInput.value, kind: kindSelect.value, status: statusSelect.value, from: fromInput.value, to: toInput.value,
    };
    const text = queryString(p);
    history.replaceState(history.state, '', text ? `/search?${text}` : '/search');
    clearTimeout(debounce);
    // A short pause, so that fast typing sends its last query only: the
    // answer itself takes a few milliseconds even at 100,000 documents, and a
    // stale request is cancelled anyway.
    if (now) run(p);
    else debounce = setTimeout(() => run(p), 60);
  };

  // Leaving the page stops what is pending.
  signal.addEventListener('abort', () => {
    clearTimeout(debounce);
    if (inFlight) inFlight.abort();
  });
  // While an input method composes (pinyin into 汉字), wait for the characters.
  qInput.addEventListener('input', (event) => { if (!event.isComposing) changed({ now: false }); });
  for (const control of [kindSelect, statusSelect, fromInput, toInput]) {
    control.addEventListener('change', () => changed({ now: true }));
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    changed({ now: true });
  });
  clear.addEventListener('click', () => {
    qInput.value = '';
    kindSelect.value = '';
    statusSelect.value = '';
    fromInput.value = '';
    toInput.value = '';
    changed({ now: true });
    qInput.focus();
  });
  more.addEventListener('click', () => {
    if (shown.next) run(searchParamsOf(new URLSearchParams(shown.key)), shown.next);
  });

  kinds = await loadKinds().catch(() => []);
  for (const k of kinds) kindSelect.append(h('option', { value: k.kind }, k.title));
  kindSelect.value = params.kind;
  if (restored && restored.key === queryString(params)) {
    // Back from a document: the same results and pages, without asking again.
    shown = restored;
    render();
  } else {
    await run(params);
  }
  return { leave: () => shown };
}

// ---------------------------------------------------------------------------
// 我的文书 (enterprise)

function myRow(doc, kinds, navigate) {
  const tr = h('tr', null,
    h('td', null, numberLink(doc)),
    h('td', null, kindTitle(kinds, doc.kind)),
    h('td', null, doc.project_name || '—'),
    h('td', { class: 'nowrap' }, timeEl(doc.issued_at)),
    h('td', null, standing(doc)));
  rowLink(tr, documentHref(doc), navigate);
  return tr;
}

export async function myPage(container, { user, signal, navigate, restored }) {
  container.append(
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, '我的文书'), h('p', { class: 'muted' }, `${user.name} 出具的文书及其办理情况，最新的在前`)),
      h('a', { href: '/new', class: 'btn btn-primary' }, '出具新文书')));
  const { el, tbody } = table('我的文书', ['文书编号', '类别', '项目', '出具时间', '办理情况'], 'table-my');
  tbody.append(...skeletonRows(6, 5));
  const region = h('div', { class: 'table-wrap', 'aria-busy': 'true' }, el);
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, '加载更多');
  const status = h('div', { 'aria-live': 'polite' });
  container.append(region, status, h('div', { class: 'more-row' }, more));

  let shown = restored || { documents: [], next: null };
  let kinds = [];
  const render = () => {
    region.removeAttribute('aria-busy');
    if (shown.documents.length === 0) {
      replace(region, h('div', { class: 'empty' }, '还没有出具过文书。', h('a', { href: '/new' }, '出具第一份文书')));
    } else {
      replace(tbody, shown.documents.map((doc) => myRow(doc, kinds, navigate)));
    }
    more.hidden = !shown.next;
  };
  const load = async (cursor) => {
    more.disabled = true;
    try {
      const page = await getJson(withQuery('/v1/search', { limit: kPageSize, cursor }), { signal });
      shown = { documents: cursor ? shown.documents.concat(page.results) : page.results, next: page.next_cursor };
      status.replaceChildren();
      render();
    } catch (e) {
      if (isQuiet(e)) return;
      status.replaceChildren(retryNotice(e, () => load(cursor)));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => load(shown.next));
  kinds = await loadKinds().catch(() => []);
  if (restored) render();
  else await load(null);
  return { leave: () => shown };
}
