// A form generated from a kind's JSON Schema (templates/<kind>/schema.json):
// labels from x-label, inputs by type and format, <select> for enum, check
// boxes for booleans and for arrays of enum values, fieldsets for objects,
// tables for arrays of flat objects (the staff list runs to hundreds of rows,
// so a row is one cloned template), cards for arrays of nested objects.
//
// The form is a tree of fields that mirrors the schema; reading it gives the
// data, and a JSON Pointer from a 422 problem walks it down to the input that
// should show the message.

import { h } from './ui.js';

let serial = 0;
function newId(prefix = 'f') {
  serial += 1;
  return `${prefix}${serial}`;
}

// ---------------------------------------------------------------------------
// Schema reading

// Two schemas that both apply (a $ref and its sibling keywords): required
// lists and properties are joined, other keywords of `b` win (x-label).
function mergeSchemas(a, b) {
  const out = { ...a, ...b };
  if (a.required || b.required) out.required = [...new Set([...(a.required || []), ...(b.required || [])])];
  if (a.properties && b.properties) {
    out.properties = { ...a.properties };
    for (const [key, value] of Object.entries(b.properties)) {
      out.properties[key] = a.properties[key] ? mergeSchemas(a.properties[key], value) : value;
    }
  }
  if (a.items && b.items) out.items = mergeSchemas(a.items, b.items);
  return out;
}

function lookupRef(root, ref) {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && node[key];
  }
  if (!node) throw new Error(`unresolved $ref ${ref}`);
  return node;
}

// The schema with its $ref (recursively) resolved into $defs and merged
// with the keywords beside it.
export function resolveSchema(node, root, depth = 0) {
  if (!node || !node.$ref) return node || {};
  if (depth > 32) throw new Error('$ref nesting too deep');
  const { $ref, ...siblings } = node;
  const target = resolveSchema(lookupRef(root, $ref), root, depth + 1);
  return resolveSchema(mergeSchemas(target, siblings), root, depth + 1);
}

function typeOf(s) {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t === 'object' || (!t && s.properties)) return 'object';
  if (t === 'array' || (!t && s.items)) return 'array';
  if (t === 'boolean' || t === 'integer' || t === 'number') return t;
  return 'string';
}

function labelOf(s, key) {
  return s['x-label'] || s.title || key;
}

function isScalar(s) {
  const t = typeOf(s);
  return t !== 'object' && t !== 'array';
}

// An array whose items are picked from a list (物业类型可多选).
function isMultiChoice(s, root) {
  const items = resolveSchema(s.items, root);
  return Array.isArray(items.enum) && typeOf(items) === 'string';
}

// Width class of a text input in a table row, from what its value is: codes
// with a pattern (ID numbers, credit codes, phones) as wide as their
// characters, names and titles narrow, long texts wide. Outside tables the
// inputs fill their grid cell.
function widthClass(s) {
  const max = s.maxLength || 0;
  if (s.format === 'date') return 'w-date';
  if (typeOf(s) === 'integer' || typeOf(s) === 'number') return 'w-num';
  if (s.pattern && max && max <= 30) return 'w-code';
  if (max && max <= 6) return 'w-xs';
  if (max && max <= 50) return 'w-s';
  if (max && max <= 100) return 'w-l';
  return 'w-xl';
}

// ---------------------------------------------------------------------------
// Controls

// The bare control for a scalar schema (no label): input, select, textarea
// or check box.
function makeControl(s) {
  const type = typeOf(s);
  if (type === 'boolean') return h('input', { type: 'checkbox' });
  if (Array.isArray(s.enum)) {
    // A width from the longest choice: a select sized by its content makes
    // the browser measure every option of every row of a long table.
    const longest = Math.max(3, ...s.enum.map((v) => String(v).length));
    return h('select', { style: `--chars:${longest}`, class: 'w-choice' },
      h('option', { value: '' }, '请选择'),
      s.enum.map((v) => h('option', { value: String(v) }, String(v))));
  }
  if (type === 'integer' || type === 'number') {
    return h('input', {
      type: 'number', inputmode: type === 'integer' ? 'numeric' : 'decimal', step: type === 'integer' ? '1' : 'any',
      min: s.minimum, max: s.maximum, class: 'w-num',
    });
  }
  if (s.format === 'date') return h('input', { type: 'date', class: 'w-date' });
  if (s['x-multiline']) return h('textarea', { rows: '3', class: 'w-xl' });
  const input = h('input', { type: 'text', class: widthClass(s), autocomplete: 'off', spellcheck: 'false' });
  // Codes up to 18 characters (ID numbers, credit codes) are shown whole;
  // longer ones (phones, up to 25) at the width of a usual number.
  if (input.className === 'w-code') input.style.setProperty('--chars', String(s.maxLength <= 18 ? s.maxLength : 14));
  return input;
}

// The value a control holds, typed by its schema; undefined when empty (so
// optional fields are left out rather than sent as ""). An unchecked box is
// false where the member is required, and left out where it is optional
// (absent reads as "no", and the data stays as it was given).
function readControl(control, s, required) {
  const type = typeOf(s);
  if (type === 'boolean') return control.checked || (required ? false : undefined);
  const text = control.value;
  if (text === '') return undefined;
  if (type === 'integer' || type === 'number') {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  return text;
}

function writeControl(control, s, value) {
  if (typeOf(s) === 'boolean') {
    control.checked = value === true;
  } else {
    control.value = value === undefined || value === null ? '' : String(value);
  }
}

// ---------------------------------------------------------------------------
// Fields. Each has: el (what is shown), read(), write(value),
// locate(segments) → a target {control, container, label} for a problem.

class ScalarField {
  constructor(schema, label, required) {
    this.schema = schema;
    this.label = label;
    this.required = required;
    this.id = newId();
    this.control = makeControl(schema);
    this.control.id = this.id;
    // A check box always has a value: no required mark.
    const boolean = typeOf(schema) === 'boolean';
    const marked = required && !boolean;
    if (marked) this.control.setAttribute('aria-required', 'true');
    const labelEl = h('label', { for: this.id }, label, marked ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
    const hint = schema.description && /[\u4e00-\u9fff]/.test(schema.description)
      ? h('div', { class: 'hint', id: `${this.id}-hint` }, schema.description) : null;
    if (hint) this.control.setAttribute('aria-describedby', hint.id);
    // Long texts (addresses) take two columns of the grid, a multi-line one a whole row.
    const span = schema['x-multiline'] ? 'field-wide' : (schema.maxLength || 0) > 100 ? 'field-span2' : '';
    this.el = h('div', { class: `field ${boolean ? 'field-check' : ''} ${span}` },
      boolean ? [this.control, labelEl] : [labelEl, this.control], hint);
  }

  read() { return readControl(this.control, this.schema, this.required); }

  write(value) { writeControl(this.control, this.schema, value); }

  // Fixes the value (filled from the account) so it is shown but not edited.
  lock(value, why) {
    this.write(value);
    if (this.control.tagName === 'SELECT') this.control.disabled = true;
    else this.control.readOnly = true;
    this.el.classList.add('field-locked');
    if (!this.el.querySelector('.lock-note')) this.el.append(h('div', { class: 'hint lock-note' }, why));
  }

  locate() { return { control: this.control, container: this.el, label: this.label }; }
}

// An array of enum strings as a group of check boxes.
class ChoiceField {
  constructor(schema, label, required, root) {
    this.schema = schema;
    this.label = label;
    this.required = required;
    const items = resolveSchema(schema.items, root);
    this.boxes = items.enum.map((value) => {
      const id = newId();
      const box = h('input', { type: 'checkbox', id, value: String(value) });
      return { box, el: h('span', { class: 'choice' }, box, h('label', { for: id }, String(value))) };
    });
    this.el = h('fieldset', { class: 'field field-choices field-wide' },
      h('legend', null, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
        h('span', { class: 'hint-inline' }, '（可多选）')),
      h('div', { class: 'choices' }, this.boxes.map((b) => b.el)));
  }

  read() {
    const values = this.boxes.filter((b) => b.box.checked).map((b) => b.box.value);
    return values.length || this.required ? values : undefined;
  }

  write(value) {
    const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
    for (const b of this.boxes) b.box.checked = chosen.has(b.box.value);
  }

  locate() { return { control: this.boxes[0].box, container: this.el, label: this.label }; }
}

class ObjectField {
  // `depth` 0 is the form itself (no fieldset around it).
  constructor(schema, label, required, root, depth) {
    this.schema = schema;
    this.label = label;
    this.required = required;
    this.children = new Map();
    const requiredKeys = new Set(schema.required || []);
    const grid = h('div', { class: 'field-grid' });
    for (const [key, raw] of Object.entries(schema.properties || {})) {
      const child = makeField(resolveSchema(raw, root), key, requiredKeys.has(key), root, depth + 1);
      this.children.set(key, child);
      grid.append(child.el);
    }
    this.el = depth === 0
      ? h('div', { class: 'form-root' }, grid)
      : h('fieldset', { class: `group depth-${Math.min(depth, 3)}` }, h('legend', null, label), grid);
  }

  read() {
    const out = {};
    for (const [key, child] of this.children) {
      const value = child.read();
      if (value !== undefined) out[key] = value;
    }
    // An optional object left empty is left out (an empty one would be
    // reported as missing its required members).
    if (Object.keys(out).length === 0 && !this.required) return undefined;
    return out;
  }

  write(value) {
    const data = value && typeof value === 'object' ? value : {};
    for (const [key, child] of this.children) child.write(data[key]);
  }

  child(key) { return this.children.get(key); }

  // The object itself for [], its member's target, or null for a member
  // the form has no input for.
  locate(segments) {
    if (segments.length === 0) return { control: this.el.querySelector('input, select, textarea'), container: this.el, label: this.label };
    const child = this.children.get(segments[0]);
    return child ? child.locate(segments.slice(1)) : null;
  }
}

// An array of flat objects as a table: one row per item, one column per
// property. Rows are clones of one template row, so hundreds stay quick.
class TableField {
  constructor(schema, label, required, root) {
    this.schema = schema;
    this.label = label;
    this.required = required;
    const item = resolveSchema(schema.items, root);
    this.itemLabel = labelOf(item, label);
    const requiredKeys = new Set(item.required || []);
    this.columns = Object.entries(item.properties || {}).map(([key, raw]) => {
      const s = resolveSchema(raw, root);
      return { key, schema: s, label: labelOf(s, key), required: requiredKeys.has(key) };
    });
    this.rows = [];
    this.template = this.makeTemplate();
    this.tbody = h('tbody');
    this.tbody.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-remove]');
      if (button) this.removeRow(this.rows.findIndex((r) => r.tr === button.closest('tr')));
    });
    this.count = h('span', { class: 'row-count' });
    this.emptyHint = h('p', { class: 'muted table-empty' }, '尚无，请按“添加一行”添加');
    const add = h('button', { type: 'button', class: 'btn btn-small' }, '添加一行');
    add.addEventListener('click', () => {
      const row = this.appendRows([{}])[0];
      row.controls[0].focus();
    });
    this.el = h('fieldset', { class: 'group group-table field-wide' },
      h('legend', null, label, this.count),
      h('div', { class: 'table-scroll' },
        h('table', { class: 'table table-form' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col', class: 'rownum' }, '序号'),
            this.columns.map((c) => h('th', { scope: 'col' }, c.label, c.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null)),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, '操作')))),
          this.tbody)),
      this.emptyHint,
      h('div', { class: 'table-actions' }, add));
    this.updateCount();
  }

  makeTemplate() {
    return h('tr', null,
      h('th', { scope: 'row', class: 'rownum' }),
      this.columns.map((c) => {
        const control = makeControl(c.schema);
        control.dataset.col = c.key;
        if (c.required) control.setAttribute('aria-required', 'true');
        return h('td', null, control);
      }),
      h('td', null, h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-remove': '' }, '删除')));
  }

  // Names the row's controls after its place (第 N 行), for screen readers.
  numberRow(row, index) {
    const n = index + 1;
    row.tr.firstChild.textContent = String(n);
    row.controls.forEach((control, i) => control.setAttribute('aria-label', `${this.columns[i].label}（第 ${n} 行）`));
    row.remove.setAttribute('aria-label', `删除第 ${n} 行`);
  }

  appendRows(items) {
    const fragment = document.createDocumentFragment();
    const added = items.map((item) => {
      const tr = this.template.cloneNode(true);
      const controls = Array.from(tr.querySelectorAll('[data-col]'));
      const row = { tr, controls, remove: tr.querySelector('button[data-remove]') };
      const data = item && typeof item === 'object' ? item : {};
      controls.forEach((control, i) => writeControl(control, this.columns[i].schema, data[this.columns[i].key]));
      this.numberRow(row, this.rows.length);
      this.rows.push(row);
      fragment.append(tr);
      return row;
    });
    this.tbody.append(fragment);
    this.updateCount();
    return added;
  }

  removeRow(index) {
    if (index < 0) return;
    const [row] = this.rows.splice(index, 1);
    row.tr.remove();
    for (let i = index; i < this.rows.length; i++) this.numberRow(this.rows[i], i);
    this.updateCount();
    // Keep the keyboard in the table: the row that took its place, or the last.
    const next = this.rows[index] || this.rows[index - 1];
    if (next) next.remove.focus();
  }

  updateCount() {
    this.count.textContent = `（${this.rows.length} 行）`;
    this.emptyHint.hidden = this.rows.length > 0;
  }

  read() {
    if (this.rows.length === 0 && !this.required) return undefined;
    return this.rows.map((row) => {
      const out = {};
      row.controls.forEach((control, i) => {
        const value = readControl(control, this.columns[i].schema, this.columns[i].required);
        if (value !== undefined) out[this.columns[i].key] = value;
      });
      return out;
    });
  }

  write(value) {
    this.rows = [];
    this.tbody.replaceChildren();
    this.appendRows(Array.isArray(value) ? value : []);
  }

  locate(segments) {
    const index = /^\d+$/.test(segments[0] || '') ? Number(segments[0]) : -1;
    const row = this.rows[index];
    if (!row) return { control: this.el.querySelector('button'), container: this.el, label: this.label };
    const rowLabel = `${this.label} 第 ${index + 1} 行`;
    const column = segments.length > 1 ? this.columns.findIndex((c) => c.key === segments[1]) : -1;
    if (column < 0) return { control: row.controls[0], container: row.tr.firstChild, label: rowLabel };
    return { control: row.controls[column], container: row.controls[column].parentElement, label: `${rowLabel} · ${this.columns[column].label}` };
  }
}

// An array of nested objects (or of plain values) as a list of cards.
class CardsField {
  constructor(schema, label, required, root, depth) {
    this.schema = schema;
    this.label = label;
    this.required = required;
    this.root = root;
    this.depth = depth;
    this.item = resolveSchema(schema.items, root);
    this.itemLabel = labelOf(this.item, label);
    this.items = [];
    this.list = h('div', { class: 'cards' });
    this.count = h('span', { class: 'row-count' });
    this.emptyHint = h('p', { class: 'muted table-empty' }, '尚无，请按“添加一项”添加');
    const add = h('button', { type: 'button', class: 'btn btn-small' }, '添加一项');
    add.addEventListener('click', () => {
      const entry = this.appendItem(undefined);
      const first = entry.card.querySelector('input, select, textarea');
      if (first) first.focus();
    });
    this.el = h('fieldset', { class: 'group group-cards field-wide' },
      h('legend', null, label, this.count), this.list, this.emptyHint, h('div', { class: 'table-actions' }, add));
    this.updateCount();
  }

  appendItem(value) {
    const field = makeField(this.item, this.itemLabel, true, this.root, this.depth + 1, { bare: true });
    const title = h('h3', { class: 'card-title' });
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-quiet' }, '删除');
    const card = h('div', { class: 'item-card' }, h('div', { class: 'item-card-head' }, title, remove), field.el);
    const entry = { field, card, title, remove };
    remove.addEventListener('click', () => this.removeItem(this.items.indexOf(entry)));
    field.write(value);
    this.items.push(entry);
    this.number(entry, this.items.length - 1);
    this.list.append(card);
    this.updateCount();
    return entry;
  }

  number(entry, index) {
    entry.title.textContent = `${this.itemLabel} 第 ${index + 1} 项`;
    entry.remove.setAttribute('aria-label', `删除${this.itemLabel}第 ${index + 1} 项`);
  }

  removeItem(index) {
    if (index < 0) return;
    const [entry] = this.items.splice(index, 1);
    entry.card.remove();
    this.items.forEach((e, i) => this.number(e, i));
    this.updateCount();
  }

  updateCount() {
    this.count.textContent = `（${this.items.length} 项）`;
    this.emptyHint.hidden = this.items.length > 0;
  }

  read() {
    if (this.items.length === 0 && !this.required) return undefined;
    return this.items.map((e) => {
      const value = e.field.read();
      return value === undefined ? {} : value;
    });
  }

  write(value) {
    this.items = [];
    this.list.replaceChildren();
    for (const item of Array.isArray(value) ? value : []) this.appendItem(item);
    this.updateCount();
  }

  locate(segments) {
    const index = /^\d+$/.test(segments[0] || '') ? Number(segments[0]) : -1;
    const entry = this.items[index];
    if (!entry) return { control: this.el.querySelector('button'), container: this.el, label: this.label };
    const target = entry.field.locate(segments.slice(1));
    return target && { ...target, label: `${this.itemLabel} 第 ${index + 1} 项 · ${target.label}` };
  }
}

// The field for a (resolved) schema.
function makeField(s, key, required, root, depth, { bare = false } = {}) {
  const label = labelOf(s, key);
  const type = typeOf(s);
  if (type === 'object') {
    const field = new ObjectField(s, label, required, root, bare ? 0 : depth);
    if (bare) field.el.classList.add('form-item');
    return field;
  }
  if (type === 'array') {
    if (isMultiChoice(s, root)) return new ChoiceField(s, label, required, root);
    const item = resolveSchema(s.items, root);
    const flat = typeOf(item) === 'object' && Object.values(item.properties || {}).every((p) => isScalar(resolveSchema(p, root)));
    return flat ? new TableField(s, label, required, root) : new CardsField(s, label, required, root, depth);
  }
  return new ScalarField(s, label, required);
}

// ---------------------------------------------------------------------------
// The form

// Builds the form of `schema`. Answers { el, read(), write(data),
// field(path) → the field at a property path like ['enterprise','name'],
// showProblems(problems) → the problems that have no input (for the list),
// clearProblems() }.
export function buildSchemaForm(schema) {
  const root = new ObjectField(resolveSchema(schema, schema), schema.title || '', true, schema, 0);
  const marks = [];

  const clearProblems = () => {
    for (const { control, container, message, describedBy } of marks.splice(0)) {
      container.classList.remove('has-error', 'has-warning');
      message.remove();
      if (control) {
        control.removeAttribute('aria-invalid');
        if (describedBy === null) control.removeAttribute('aria-describedby');
        else control.setAttribute('aria-describedby', describedBy);
      }
    }
  };

  // Shows one problem at its input; answers the target, or null when the
  // path leads to no input of its own.
  const mark = (problem, segments) => {
    const target = root.locate(segments);
    if (!target || !target.control) return null;
    const warning = problem.severity === 'warning';
    const message = h('div', { class: warning ? 'field-warning' : 'field-error', id: newId('p') }, problem.message);
    const describedBy = target.control.getAttribute('aria-describedby');
    target.container.classList.add(warning ? 'has-warning' : 'has-error');
    // In a fieldset the message goes under its legend, not after its last row.
    const legend = target.container.tagName === 'FIELDSET' ? target.container.querySelector(':scope > legend') : null;
    if (legend) legend.after(message);
    else target.container.append(message);
    if (!warning) target.control.setAttribute('aria-invalid', 'true');
    target.control.setAttribute('aria-describedby', [describedBy, message.id].filter(Boolean).join(' '));
    marks.push({ control: target.control, container: target.container, message, describedBy });
    return target;
  };

  return {
    el: root.el,
    read: () => root.read(),
    write: (data) => root.write(data),
    field: (path) => path.reduce((f, key) => (f && f.child ? f.child(key) : null), root),
    clearProblems,
    // Marks every problem it can; answers [{problem, target}] in order
    // (target null when the problem belongs to no input).
    showProblems(problems) {
      clearProblems();
      return problems.map((problem) => {
        const segments = pointerSegments(problem.path);
        return { problem, target: segments ? mark(problem, segments) : null };
      });
    },
  };
}

// "/staff/3/id_number" → ['staff', '3', 'id_number']; '' → [] (the root).
export function pointerSegments(pointer) {
  if (pointer === '' || pointer === undefined || pointer === null) return null;
  if (!pointer.startsWith('/')) return null;
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
