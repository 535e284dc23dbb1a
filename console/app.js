// The console's shell: the session, the header, history-API routing over the
// page paths the server answers with index.html, and the sign-in page.

import { ApiError, getJson, isQuiet, prefetchJson, request, sendJson, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { errorMessage, forgetKinds, h, notice, replace, retryNotice } from './ui.js';
// The lists are where people land (待办, 我的文书) and search: loaded with the
// shell, so the first page needs no second round of module loading.
import { myPage, queuePage, searchPage } from './lists.js';

// The other pages are imported when first shown.
const lazy = (module, name) => () => import(module).then((m) => m[name]);

const kProduct = '北京市物业服务企业备案文书系统';
const kShortProduct = '备案文书系统';

const kAllRoles = ['bureau', 'enterprise', 'admin'];

// Every page path the server answers with index.html, what it shows and who
// may open it.
const kRoutes = [
  { pattern: /^\/$/, home: true },
  { pattern: /^\/signin$/, public: true, title: '登录', load: () => signinPage },
  { pattern: /^\/queue$/, roles: ['bureau', 'admin'], title: '待办', load: () => queuePage },
  { pattern: /^\/search$/, roles: kAllRoles, title: '检索', load: () => searchPage },
  { pattern: /^\/documents\/(\d{1,18})$/, roles: kAllRoles, title: '文书', load: lazy('./document.js', 'documentPage'), params: ['id'] },
  { pattern: /^\/new$/, roles: kAllRoles, title: '出具文书', load: lazy('./issue.js', 'kindsPage') },
  { pattern: /^\/new\/([a-z0-9-]{1,64})$/, roles: kAllRoles, title: '出具文书', load: lazy('./issue.js', 'newDocumentPage'), params: ['kind'] },
  { pattern: /^\/verify-file$/, roles: kAllRoles, title: '文件核验', load: lazy('./verify.js', 'verifyFilePage') },
  { pattern: /^\/users$/, roles: ['admin'], title: '用户管理', load: lazy('./users.js', 'usersPage') },
  { pattern: /^\/my$/, roles: ['enterprise'], title: '我的文书', load: () => myPage },
];

// The header's links per role.
const kNav = {
  bureau: [['/queue', '待办'], ['/search', '检索'], ['/new', '出具文书'], ['/verify-file', '文件核验']],
  admin: [['/queue', '待办'], ['/search', '检索'], ['/new', '出具文书'], ['/verify-file', '文件核验'], ['/users', '用户管理']],
  enterprise: [['/my', '我的文书'], ['/new', '出具文书'], ['/verify-file', '文件核验']],
};

const kRoleNames = { bureau: '区住建委', enterprise: '物业服务企业', admin: '系统管理员' };

const state = {
  user: null,
  // A message for the next page shown (e.g. 登录已过期).
  flash: null,
  // The page on screen: its leave() hook and the controller aborting its requests.
  page: null,
  expiring: false,
  // Where the session expired: { path, entryKey, userId } (see sessionExpired).
  resume: null,
  // Counts pages shown, so a page whose module arrives late yields.
  shown: 0,
};

function homeFor(user) {
  return user && user.role === 'enterprise' ? '/my' : '/queue';
}

function findRoute(path) {
  for (const route of kRoutes) {
    const m = route.pattern.exec(path);
    if (m) {
      const params = {};
      (route.params || []).forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1]); });
      return { route, params };
    }
  }
  return null;
}

// A path the sign-in may return to: one of the console's own pages.
function safeNext(next) {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return null;
  const found = findRoute(next.split('?')[0]);
  return found && !found.route.public ? next : null;
}

// ---------------------------------------------------------------------------
// Navigation

export function navigate(path, { replaceEntry = false } = {}) {
  leavePage();
  const entry = { key: newEntryKey() };
  if (replaceEntry) history.replaceState(entry, '', path);
  else history.pushState(entry, '', path);
  showRoute({ moveFocus: true });
}

// What each history entry's page left behind (its scroll position and what
// its leave() hook returned), so Back shows it as it was. Kept in memory: a
// reload starts the page afresh from its URL.
const leftBehind = new Map();
let entrySerial = 0;

function newEntryKey() {
  entrySerial += 1;
  return `${Date.now().toString(36)}-${entrySerial}`;
}

// The current history entry's key, giving it one if it has none.
function currentEntryKey() {
  if (history.state && history.state.key) return history.state.key;
  const key = newEntryKey();
  history.replaceState({ ...(history.state || {}), key }, '');
  return key;
}

// Shows the current page again from scratch (重试).
function reshowPage() {
  if (state.page) state.page.controller.abort();
  state.page = null;
  showRoute({});
}

// Lets the page on screen keep what it needs for Back, and aborts its requests.
function leavePage() {
  const page = state.page;
  if (!page) return;
  state.page = null;
  let kept = null;
  try {
    if (page.leave) kept = page.leave();
  } finally {
    leftBehind.set(page.entryKey, { scrollY: window.scrollY, kept });
    page.controller.abort();
  }
}

// Follows clicks on links to the console's own pages without reloading.
function interceptLinks(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  if (a.getAttribute('href').startsWith('#')) {
    // In-page links (跳到正文) move focus without a history entry.
    const target = document.getElementById(a.getAttribute('href').slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
    }
    return;
  }
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !findRoute(url.pathname)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

// ---------------------------------------------------------------------------
// The header

function renderHeader(activePath) {
  const header = document.getElementById('topbar');
  const user = state.user;
  const brand = h('a', { href: user ? homeFor(user) : '/signin', class: 'brand' },
    h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '备'),
    h('span', { class: 'brand-full' }, kProduct),
    h('span', { class: 'brand-short' }, kShortProduct));
  if (!user) {
    replace(header, h('div', { class: 'topbar-inner' }, brand));
    return;
  }
  const links = (kNav[user.role] || []).map(([href, label]) => {
    const current = activePath === href || (href !== '/' && activePath.startsWith(`${href}/`));
    return h('a', { href, class: 'nav-link', 'aria-current': current ? 'page' : null }, label);
  });
  const who = h('div', { class: 'who' },
    h('span', { class: 'who-name' }, user.display_name || user.username),
    h('span', { class: 'who-org' }, user.name || (user.display_name === kRoleNames[user.role] ? '' : kRoleNames[user.role])));
  const signOut = h('button', { type: 'button', class: 'btn btn-quiet', onclick: signOutClicked }, '退出登录');
  replace(header, h('div', { class: 'topbar-inner' },
    brand,
    h('nav', { class: 'nav', 'aria-label': '主导航' }, links),
    h('div', { class: 'topbar-user' }, who, signOut)));
}

async function signOutClicked(event) {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    await request('DELETE', '/v1/session');
  } catch (e) {
    // 401: already signed out, which is what was asked.
    if (!(e instanceof ApiError && e.status === 401)) {
      button.disabled = false;
      state.flash = { kind: 'error', text: `退出登录失败：${errorMessage(e)}` };
      reshowPage();
      return;
    }
  }
  endSession();
  state.flash = { kind: 'success', text: '已退出登录' };
  navigate('/signin');
}

// Forgets the user, and what their pages left behind (the next person at
// this browser must not get it back with Back).
function endSession() {
  state.user = null;
  setCsrfToken('');
  forgetKinds();
  leftBehind.clear();
}

// Any 401: the session expired or was ended elsewhere. The page the user was
// on is kept (a half-filled form, say), and given back if the same user
// signs in again and returns there.
function sessionExpired() {
  if (state.expiring || !state.user) return;
  state.expiring = true;
  const intended = location.pathname + location.search;
  const userId = state.user.id;
  endSession();
  state.resume = { path: intended, entryKey: state.page ? state.page.entryKey : null, userId };
  state.flash = { kind: 'warning', text: '登录已过期，请重新登录' };
  navigate(`/signin?next=${encodeURIComponent(intended)}`, { replaceEntry: true });
  state.expiring = false;
}

// What the page at `path` left when the session expired there, once, for
// the same user; else what this history entry's page left, if anything.
function leftFor(entryKey, path) {
  const resume = state.resume;
  if (resume && state.user && resume.path === path) {
    state.resume = null;
    const kept = resume.userId === state.user.id ? leftBehind.get(resume.entryKey) : null;
    leftBehind.delete(resume.entryKey);
    if (kept) return kept;
  }
  return leftBehind.get(entryKey);
}

// ---------------------------------------------------------------------------
// Showing a page

async function showRoute({ moveFocus = false }) {
  const path = location.pathname;
  const found = findRoute(path);
  const main = document.getElementById('main');
  if (!found) {
    renderHeader(path);
    replace(main, h('div', { class: 'page' }, h('h1', null, '页面不存在'), h('p', null, h('a', { href: '/' }, '返回首页'))));
    return;
  }
  const { route, params } = found;
  if (route.home) {
    navigate(state.user ? homeFor(state.user) : '/signin', { replaceEntry: true });
    return;
  }
  if (!route.public && !state.user) {
    navigate(`/signin?next=${encodeURIComponent(path + location.search)}`, { replaceEntry: true });
    return;
  }
  if (route.public && state.user) {
    navigate(homeFor(state.user), { replaceEntry: true });
    return;
  }
  if (route.roles && !route.roles.includes(state.user.role)) {
    navigate(homeFor(state.user), { replaceEntry: true });
    return;
  }
  renderHeader(path);
  const serial = ++state.shown;
  let render;
  try {
    render = await route.load();
  } catch (e) {
    replace(main, h('div', { class: 'page' }, retryNotice(new ApiError(0, null), () => location.reload())));
    return;
  }
  if (serial !== state.shown) return; // another navigation came first
  const controller = new AbortController();
  const entryKey = currentEntryKey();
  const behind = leftFor(entryKey, path + location.search);
  const page = { controller, leave: null, entryKey };
  state.page = page;
  const container = h('div', { class: 'page' });
  const flash = state.flash;
  state.flash = null;
  if (flash) container.append(notice(flash.kind, flash.text));
  replace(main, container);
  document.title = `${route.title} - ${kShortProduct}`;
  const context = {
    params,
    query: new URLSearchParams(location.search),
    user: state.user,
    signal: controller.signal,
    navigate,
    // What this page's leave() returned when the user last left this very
    // history entry (Back/Forward), or null.
    restored: behind ? behind.kept : null,
    setTitle: (title) => { document.title = `${title} - ${kShortProduct}`; },
    // Message to show on the next page (e.g. after issuing a document).
    setFlash: (kind, text) => { state.flash = { kind, text }; },
  };
  try {
    // Pages draw their heading before their first request, so focus can
    // move there at once.
    const rendering = render(container, context);
    if (moveFocus) focusHeading();
    const hooks = await rendering;
    if (hooks && state.page === page) page.leave = hooks.leave || null;
  } catch (e) {
    if (isQuiet(e)) return;
    container.append(retryNotice(e, reshowPage));
  }
  if (state.page !== page) return;
  window.scrollTo(0, behind ? behind.scrollY : 0);
}

// After a navigation, moves focus to the page's heading so keyboard and
// screen-reader users start at the new content (unless the page focused a
// field of its own, like the search box).
function focusHeading() {
  const main = document.getElementById('main');
  if (main.contains(document.activeElement) && document.activeElement !== main) return;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

// ---------------------------------------------------------------------------
// Sign-in

function signinPage(container, { query }) {
  container.classList.add('page-signin');
  const username = h('input', { id: 'signin-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
  const password = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { class: 'form-error', id: 'signin-error', role: 'alert', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, '登录');
  const form = h('form', { class: 'signin-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'signin-username' }, '用户名'), username),
    h('div', { class: 'field' }, h('label', { for: 'signin-password' }, '密码'), password),
    error,
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    if (!username.value.trim() || !password.value) {
      error.textContent = '请输入用户名和密码';
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = '正在登录…';
    try {
      const session = await sendJson('POST', '/v1/session', { username: username.value.trim(), password: password.value });
      startSession(session);
      navigate(safeNext(query.get('next')) || homeFor(state.user), { replaceEntry: true });
    } catch (e) {
      error.textContent = signinErrorText(e);
      password.value = '';
      password.focus();
      submit.disabled = false;
      submit.textContent = '登录';
    }
  });
  const flash = container.querySelector('.notice');
  container.replaceChildren(h('div', { class: 'signin-card' },
    h('h1', null, kProduct),
    h('p', { class: 'muted' }, '请使用本单位的账号登录'),
    flash,
    form));
  username.focus();
}

function signinErrorText(e) {
  if (e instanceof ApiError) {
    if (e.status === 401) return '用户名或密码不正确';
    if (e.status === 429) {
      const seconds = e.retryAfter || (e.body && e.body.error && e.body.error.retry_after_seconds);
      return seconds ? `登录失败次数过多，请 ${seconds} 秒后再试` : '登录失败次数过多，请稍后再试';
    }
  }
  return errorMessage(e);
}

function startSession(session) {
  state.user = session.user;
  setCsrfToken(session.csrf_token);
  forgetKinds();
}

// ---------------------------------------------------------------------------
// Start

async function boot() {
  setUnauthorizedHandler(sessionExpired);
  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
  document.addEventListener('click', interceptLinks);
  window.addEventListener('popstate', () => {
    leavePage();
    showRoute({ moveFocus: true });
  });
  // The work queue (where clerks land) is asked for with the session, not
  // after it: the two answers and the first frame come at once.
  if (location.pathname === '/queue') {
    prefetchJson('/v1/queue');
    prefetchJson('/v1/kinds');
  }
  try {
    startSession(await getJson('/v1/session'));
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      // The server cannot say who is signed in: say so, and offer to retry.
      renderHeader(location.pathname);
      replace(document.getElementById('main'), h('div', { class: 'page' }, retryNotice(e, () => location.reload())));
      return;
    }
  }
  await showRoute({});
}

boot();
