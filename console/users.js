// 用户管理 (/users, admin): the accounts, creating one (the role decides
// whether a district, a credit code and which name is asked), disabling one.

import { ApiError, getJson, isQuiet, sendJson } from './api.js';
import { chineseMessage, confirmDialog, errorMessage, h, notice, replace, retryNotice, skeletonRows, timeEl } from './ui.js';

const kRoles = [
  ['bureau', '区住建委（经办人）'],
  ['enterprise', '物业服务企业'],
  ['admin', '系统管理员'],
];

const kDistricts = ['东城区', '西城区', '朝阳区', '海淀区', '丰台区', '石景山区', '门头沟区', '房山区', '通州区', '顺义区',
  '昌平区', '大兴区', '怀柔区', '平谷区', '密云区', '延庆区', '北京经济技术开发区'];

// A refusal of one field in Chinese: the server's own words when it gives
// Chinese, else what the field must be.
function fieldMessage(field, message, status) {
  if (field === 'username' && status === 409) return '该用户名已被使用';
  const text = chineseMessage(message);
  if (/[\u4e00-\u9fff]/.test(text)) return text;
  const rules = {
    username: '用户名应为 2 至 64 个小写字母、数字或 . _ -，以字母或数字开头',
    display_name: '姓名应为一行文字（至多 100 字节）',
    credit_code: '统一社会信用代码应为 18 位（数字和大写字母）',
    district: '请选择所在区',
    name: '请填写单位名称（一行文字）',
  };
  return rules[field] ? `${rules[field]}（${text}）` : text;
}

function roleName(role) {
  const found = kRoles.find(([r]) => r === role);
  return found ? found[1] : role;
}

// `self` is the signed-in admin, who is not offered to disable themselves.
function userRow(user, onDisable, self) {
  const active = !user.disabled_at;
  const scope = user.role === 'bureau' ? user.district : user.role === 'enterprise' ? user.credit_code : '';
  return h('tr', { class: active ? null : 'row-disabled' },
    h('td', null, h('span', { class: 'mono' }, user.username)),
    h('td', null, user.display_name || '—'),
    h('td', { class: 'nowrap' }, roleName(user.role)),
    h('td', null, user.name || '—'),
    h('td', { class: 'nowrap' }, scope ? h('span', { class: user.role === 'enterprise' ? 'mono' : null }, scope) : '—'),
    h('td', { class: 'nowrap' }, timeEl(user.created_at)),
    h('td', { class: 'nowrap' }, active ? h('span', { class: 'badge badge-filed' }, '启用') : [h('span', { class: 'badge badge-revoked' }, '已停用'), ' ', timeEl(user.disabled_at, false)]),
    h('td', null, active && user.id !== self.id ? h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', 'aria-label': `停用 ${user.username}`, onclick: (e) => onDisable(user, e.currentTarget) }, '停用') : null));
}

// The create form. onCreated(user) after a 201.
function createForm(onCreated) {
  const fields = {};
  const field = (name, label, control, hint) => {
    control.id = `user-${name}`;
    control.name = name;
    const error = h('div', { class: 'field-error', id: `user-${name}-error` });
    const el = h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('div', { class: 'hint' }, hint) : null, error);
    fields[name] = { el, control, error };
    return el;
  };
  const role = h('select', null, kRoles.map(([value, label]) => h('option', { value }, label)));
  const district = h('select', null, h('option', { value: '' }, '请选择'), kDistricts.map((d) => h('option', { value: d }, d)));
  const nameLabel = h('span', null, '机关名称');
  const form = h('form', { class: 'user-form', novalidate: true },
    h('div', { class: 'field-grid' },
      field('role', '角色', role),
      field('username', '用户名', h('input', { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' }), '登录用，字母、数字'),
      field('password', '初始密码', h('input', { type: 'password', autocomplete: 'new-password' })),
      field('display_name', '姓名', h('input', { autocomplete: 'off' })),
      field('district', '所在区', district),
      field('credit_code', '统一社会信用代码', h('input', { autocomplete: 'off', spellcheck: 'false', maxlength: '18', class: 'mono' })),
      field('name', nameLabel, h('input', { autocomplete: 'off' }))));
  const top = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '创建用户');
  form.append(top, h('div', { class: 'form-actions' }, submit));

  // Asks only what the role needs: a district and the bureau's name, or
  // the credit code and the enterprise's registered name.
  const fitRole = () => {
    const r = role.value;
    fields.district.el.hidden = r !== 'bureau';
    fields.credit_code.el.hidden = r !== 'enterprise';
    fields.name.el.hidden = r === 'admin';
    nameLabel.textContent = r === 'enterprise' ? '企业名称（营业执照登记名称）' : '机关名称';
  };
  role.addEventListener('change', fitRole);
  fitRole();

  const clearErrors = () => {
    for (const f of Object.values(fields)) {
      f.error.textContent = '';
      f.el.classList.remove('has-error');
      f.control.removeAttribute('aria-invalid');
    }
    replace(top);
  };
  const showError = (name, message) => {
    const f = fields[name];
    if (!f || f.el.hidden) return false;
    f.error.textContent = message;
    f.el.classList.add('has-error');
    f.control.setAttribute('aria-invalid', 'true');
    f.control.setAttribute('aria-describedby', f.error.id);
    return true;
  };

  // Each refused field's message at the field; the rest on top.
  const showRefusal = (e) => {
    const refused = e instanceof ApiError && (e.status === 422 || e.status === 409);
    const problems = !refused ? [] : e.problems.length ? e.problems : e.field ? [{ path: e.field, message: e.message }] : [];
    const unplaced = [];
    for (const p of problems) {
      const name = String(p.path || '').replace(/^\//, '');
      const text = fieldMessage(name, p.message, e.status);
      if (!showError(name, text)) unplaced.push(text);
    }
    if (problems.length === 0) unplaced.push(errorMessage(e));
    if (unplaced.length) replace(top, notice('error', unplaced.join('；')));
    const firstBad = Object.values(fields).find((f) => f.el.classList.contains('has-error'));
    if (firstBad) firstBad.control.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const r = role.value;
    const body = {
      username: fields.username.control.value.trim(),
      password: fields.password.control.value,
      role: r,
      display_name: fields.display_name.control.value.trim(),
      name: r === 'admin' ? '' : fields.name.control.value.trim(),
      district: r === 'bureau' ? district.value : '',
      credit_code: r === 'enterprise' ? fields.credit_code.control.value.trim().toUpperCase() : '',
    };
    const missing = [['username', '请填写用户名'], ['password', '请设置初始密码'], ['display_name', '请填写姓名']];
    if (r === 'bureau') missing.push(['district', '请选择所在区'], ['name', '请填写机关名称']);
    if (r === 'enterprise') missing.push(['credit_code', '请填写统一社会信用代码'], ['name', '请填写企业名称']);
    const empty = missing.filter(([name]) => !body[name]);
    if (empty.length) {
      empty.forEach(([name, message]) => showError(name, message));
      fields[empty[0][0]].control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const user = await sendJson('POST', '/v1/users', body);
      form.reset();
      fitRole();
      replace(top, notice('success', `已创建用户 ${user.username}`));
      onCreated(user);
    } catch (e) {
      if (isQuiet(e)) return;
      showRefusal(e);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

export async function usersPage(container, { signal, user: self }) {
  const tbody = h('tbody', null, skeletonRows(4, 8));
  const tableEl = h('table', { class: 'table', id: 'users-table' },
    h('caption', { class: 'visually-hidden' }, '用户'),
    h('thead', null, h('tr', null, ['用户名', '姓名', '角色', '单位', '区/信用代码', '创建时间', '状态', ''].map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const region = h('div', { class: 'table-wrap', 'aria-busy': 'true' }, tableEl);
  const message = h('div', { 'aria-live': 'polite' });
  let users = [];

  const render = () => {
    region.removeAttribute('aria-busy');
    replace(tbody, users.map((u) => userRow(u, disable, self)));
  };
  const disable = async (user, button) => {
    const sure = await confirmDialog({
      title: '停用用户',
      message: `确定停用 ${user.display_name || user.username}（${user.username}）？停用后该账号无法登录。`,
      confirmLabel: '停用',
      danger: true,
    });
    if (!sure) return;
    button.disabled = true;
    try {
      const after = await sendJson('POST', `/v1/users/${user.id}/disable`);
      users = users.map((u) => (u.id === user.id ? after : u));
      render();
      replace(message, notice('success', `已停用用户 ${user.username}`));
    } catch (e) {
      if (isQuiet(e)) return;
      button.disabled = false;
      replace(message, notice('error', errorMessage(e)));
    }
  };
  const load = async () => {
    try {
      users = (await getJson('/v1/users', { signal })).users || [];
      render();
    } catch (e) {
      if (isQuiet(e)) return;
      replace(region, retryNotice(e, () => { replace(region, tableEl); load(); }));
    }
  };

  container.append(
    h('h1', null, '用户管理'),
    message,
    region,
    h('section', { class: 'card' }, h('h2', null, '创建用户'), createForm((user) => {
      users = users.concat([user]);
      render();
    })));
  await load();
}
