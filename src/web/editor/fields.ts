// The sheet's inputs, built from the server's description of the form (GET /api/form, src/server/form-view.ts):
// labels, help, choices and years all come from there. Each input writes its value into the sheet's data as the
// person types; what is shown beside it (findings, how full its box is) is registered as a Slot, updated by
// findings.ts without touching the input.
import { append, el, replaceChildren } from '../dom';
import { clone, deleteAt, dotted, getAt, hasAt, setAt } from '../paths';
import type { Choice, DataPath, FieldView, SheetData } from '../types';

/** Where a field's findings and fit state are shown, and where a finding about it jumps to. */
export interface Slot {
  path: DataPath;
  label: string;
  /** Gets focus when a finding in the list is chosen. */
  focus: HTMLElement;
  /** The controls marked aria-invalid while the field has an error. */
  controls: HTMLElement[];
  messages: HTMLElement;
  /** Shown for a field printed in a box of its own. */
  fit?: HTMLElement;
  /** In a grid, a message names the cell (the row and year), as the message stands below the table. */
  prefix?: string;
}

export interface FormContext {
  data: SheetData;
  /** The values as loaded from the file (an optional key the file did not have stays absent when cleared). */
  base: SheetData;
  emptyMark: string;
  slots: Map<string, Slot>;
  /** After a value changed by the person. */
  changed(path: DataPath): void;
  /** After a list's items were added or removed: the marks are shown again on the new inputs. */
  redrawn(): void;
}

export const fieldId = (path: DataPath): string => `f-${dotted(path)}`;

const lastKey = (field: FieldView): string => field.path[field.path.length - 1];

/** The inputs of one section (or group) of fields, year rows that stand together drawn as one grid. */
export function renderFields(fields: FieldView[], parent: DataPath, ctx: FormContext): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field.kind === 'yearRow') {
      const rows = [field];
      while (fields[i + 1]?.kind === 'yearRow' && sameYears(fields[i + 1], field)) rows.push(fields[++i]);
      out.push(yearGrid(rows, parent, ctx));
    } else out.push(renderField(field, [...parent, lastKey(field)], ctx));
  }
  return out;
}

const sameYears = (a: FieldView, b: FieldView) => (a.years ?? []).join() === (b.years ?? []).join();

export function renderField(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  switch (field.kind) {
    case 'group':
      return group(field, path, ctx);
    case 'text':
    case 'line':
      return textField(field, path, ctx);
    case 'number':
      return numberField(field, path, ctx);
    case 'choice':
      return choiceField(field, path, ctx);
    case 'boolean':
      return booleanField(field, path, ctx);
    case 'yearRow':
      return yearGrid([field], path.slice(0, -1), ctx);
    case 'list':
    case 'slots':
      if (field.fields) return recordList(field, path, ctx);
      if (field.item?.choices) return choiceSet(field, path, ctx);
      return numberList(field, path, ctx);
  }
}

function group(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  const fields = field.fields ?? [];
  // A group of year rows alone (the cost table) is its grid, captioned with the group's name.
  if (fields.length > 0 && fields.every((f) => f.kind === 'yearRow' && sameYears(f, fields[0]))) {
    const grid = yearGrid(fields, path, ctx, field.label);
    register(ctx, path, field.label, grid.querySelector('input, select') as HTMLElement, [], grid.querySelector('.messages.for-table') as HTMLElement);
    return grid;
  }
  const legendId = `${fieldId(path)}-legend`;
  const box = el('fieldset', { class: 'group', id: fieldId(path), tabindex: '-1' }, el('legend', { id: legendId }, field.label));
  if (field.help) append(box, el('p', { class: 'help' }, field.help));
  const messages = el('ul', { class: 'messages', id: `${fieldId(path)}-msg` });
  append(box, messages, ...renderFields(fields, path, ctx));
  register(ctx, path, field.label, box, [], messages);
  return box;
}

/** label, help, the control, then how full its box is and the findings: each bound to the control. */
function leaf(field: FieldView, path: DataPath, ctx: FormContext, control: HTMLElement, extras: Node[] = []): HTMLElement {
  const id = fieldId(path);
  control.id = id;
  const described: string[] = [];
  const wrapper = el('div', { class: `field kind-${field.kind}` });
  append(wrapper, el('label', { for: id }, field.label, field.mustFill ? el('span', { class: 'must' }, '（必須）') : null));
  const help = [field.help, typeof field.mustFill === 'string' ? field.mustFill : undefined].filter(Boolean).join(' ');
  if (help) {
    append(wrapper, el('p', { class: 'help', id: `${id}-help` }, help));
    described.push(`${id}-help`);
  }
  append(wrapper, control, ...extras);
  let fit: HTMLElement | undefined;
  if (field.box) {
    fit = el('p', { class: 'fit', id: `${id}-fit`, hidden: true });
    append(wrapper, fit);
    described.push(`${id}-fit`);
  }
  const messages = el('ul', { class: 'messages', id: `${id}-msg` });
  append(wrapper, messages);
  described.push(`${id}-msg`);
  control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), ...described].filter(Boolean).join(' '));
  register(ctx, path, field.label, control, [control], messages, fit);
  return wrapper;
}

function register(ctx: FormContext, path: DataPath, label: string, focus: HTMLElement, controls: HTMLElement[], messages: HTMLElement, fit?: HTMLElement, prefix?: string): void {
  ctx.slots.set(dotted(path), { path, label, focus, controls, messages, fit, prefix });
}

function textField(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  const value = getAt(ctx.data, path);
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const optional = field.standardSentenceOf !== undefined;
  const onInput = (event: Event) => {
    const input = event.target as HTMLInputElement | HTMLTextAreaElement;
    // An evaluation's sentence left empty is one not written: the standard sentence of its score prints.
    if (optional && input.value === '') deleteAt(ctx.data, path);
    else setAt(ctx.data, path, input.value);
    if (input instanceof HTMLTextAreaElement) input.rows = rowsFor(input.value);
    ctx.changed(path);
  };
  // No maxlength: the browser would cut what is pasted; the validator says how much is too long instead.
  const control =
    field.kind === 'text'
      ? el('textarea', { rows: rowsFor(text), oninput: onInput, spellcheck: 'false' })
      : el('input', { type: 'text', oninput: onInput, autocomplete: 'off', spellcheck: 'false' });
  control.value = text;
  const extras: Node[] = [];
  // The form's own words for "nothing here" (「—」 for 取組なし), named in the field's hint: one click, not a search
  // for a character that is hard to type.
  const mark = typeof field.mustFill === 'string' ? /「([^」]+)」/.exec(field.mustFill)?.[1] : undefined;
  if (mark) {
    const none = mark === ctx.emptyMark ? `「${mark}」にする（取組なし）` : `「${mark}」にする`;
    extras.push(
      el(
        'button',
        {
          type: 'button',
          class: 'mark-button',
          'aria-describedby': `${fieldId(path)}-help`,
          onclick: () => {
            control.value = mark;
            control.dispatchEvent(new Event('input', { bubbles: true }));
            control.focus();
          },
        },
        none,
      ),
    );
  }
  if (field.standardSentenceOf) {
    const standard = el('p', { class: 'standard', id: `${fieldId(path)}-standard`, 'aria-live': 'polite' });
    control.setAttribute('aria-describedby', standard.id);
    const scorePath = [...path.slice(0, -1), field.standardSentenceOf[field.standardSentenceOf.length - 1]];
    standardSentences.set(dotted(scorePath), { show: (sentence) => showStandard(standard, control as HTMLInputElement, sentence) });
    extras.unshift(standard);
  }
  return leaf(field, path, ctx, control, extras);
}

/** Rows for a sentence: its lines at about 40 characters each, 3 to 12. */
function rowsFor(text: string): number {
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil([...line].length / 40)), 0);
  return Math.min(12, Math.max(3, lines));
}

// An evaluation's sentence field, told the standard sentence of its score when the score changes.
const standardSentences = new Map<string, { show(sentence: string | undefined): void }>();

function showStandard(node: HTMLElement, input: HTMLInputElement, sentence: string | undefined): void {
  node.textContent = sentence ? `標準文言: ${sentence}（空欄のままなら、これを印刷します）` : 'この点数の標準文言はありません（data/evaluation-sentences.yaml）。文言を書いてください。';
  input.placeholder = sentence ?? '';
}

/** A figure typed as text: what is not a plain number (`24,857円`) is sent as typed, so the validator can name it. */
export function parseFigure(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}

const figureText = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

function numberField(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  const control = el('input', {
    type: 'text',
    inputmode: field.integer ? 'numeric' : 'decimal',
    autocomplete: 'off',
    value: figureText(getAt(ctx.data, path)),
    oninput: (event: Event) => {
      const value = parseFigure((event.target as HTMLInputElement).value);
      if (value === undefined) deleteAt(ctx.data, path);
      else setAt(ctx.data, path, value);
      ctx.changed(path);
    },
  });
  // The sheet's own year and number follow from its file's place; they are shown, not edited.
  if (path.length === 1 && (path[0] === 'fiscalYear' || path[0] === 'number')) {
    control.readOnly = true;
    control.classList.add('readonly');
  }
  return leaf(field, path, ctx, control);
}

/** A select of the field's choices; a value the choices lack (an old one) is kept and shown as such. */
function choiceSelect(choices: Choice[], value: unknown, onChange: (value: unknown) => void, sentenceInLabel: boolean): HTMLSelectElement {
  const options = [...choices];
  if (value !== undefined && value !== null && !options.some((c) => c.value === value)) options.push({ value: value as string, label: `${String(value)}（選択肢にない値）` });
  if ((value === undefined || value === null) && !options.some((c) => c.value === null)) options.unshift({ value: null, label: '（未選択）' });
  const select = el(
    'select',
    { onchange: () => onChange(options[Number(select.value)].value) },
    ...options.map((c, i) => el('option', { value: String(i) }, sentenceInLabel && c.sentence ? `${c.label}：${c.sentence}` : c.label)),
  );
  select.value = String(Math.max(0, options.findIndex((c) => c.value === (value ?? null))));
  return select;
}

function choiceField(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  const choices = field.choices ?? [];
  const key = dotted(path);
  const tellSentence = (value: unknown) => standardSentences.get(key)?.show(choices.find((c) => c.value === value && value !== null)?.sentence);
  const select = choiceSelect(
    choices,
    getAt(ctx.data, path),
    (value) => {
      setAt(ctx.data, path, value);
      tellSentence(value);
      ctx.changed(path);
    },
    true,
  );
  // The sentence field comes after the score: it is told the score's standard sentence once it exists.
  queueMicrotask(() => tellSentence(getAt(ctx.data, path)));
  return leaf(field, path, ctx, select);
}

function booleanField(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  const id = fieldId(path);
  const box = el('input', {
    type: 'checkbox',
    id,
    checked: getAt(ctx.data, path) === true,
    onchange: () => {
      if (box.checked) setAt(ctx.data, path, true);
      // Unchecked is the key not written, unless the file had it.
      else if (hasAt(ctx.base, path)) setAt(ctx.data, path, false);
      else deleteAt(ctx.data, path);
      ctx.changed(path);
    },
  });
  const messages = el('ul', { class: 'messages', id: `${id}-msg` });
  box.setAttribute('aria-describedby', messages.id);
  register(ctx, path, field.label, box, [box], messages);
  return el('div', { class: 'field kind-boolean' }, box, el('label', { for: id }, field.label), messages);
}

/** A list of a few numbers (市長公約): written in one line, separated by commas. */
function numberList(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  const value = getAt(ctx.data, path);
  const control = el('input', {
    type: 'text',
    autocomplete: 'off',
    value: Array.isArray(value) ? value.join(', ') : '',
    oninput: (event: Event) => {
      const parts = (event.target as HTMLInputElement).value.split(/[,、，\s]+/).filter((p) => p !== '');
      setAt(ctx.data, path, parts.map((p) => parseFigure(p)));
      ctx.changed(path);
    },
  });
  const withHelp = { ...field, help: [field.help?.replace(/（なければ \[\]）/, ''), '複数あるときは「,」で区切ります。なければ空欄にします。'].filter(Boolean).join(' ') };
  return leaf(withHelp, path, ctx, control);
}

/** A set of choices (SDGs): a check box each. */
function choiceSet(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  const id = fieldId(path);
  const choices = (field.item?.choices ?? []).filter((c) => c.value !== null);
  const chosen = () => new Set(((getAt(ctx.data, path) as unknown[]) ?? []).map(String));
  const boxes = choices.map((choice, i) => {
    const boxId = `${id}-${i}`;
    const box = el('input', {
      type: 'checkbox',
      id: boxId,
      checked: chosen().has(String(choice.value)),
      onchange: () => {
        const picked = choices.filter((_c, j) => (document.getElementById(`${id}-${j}`) as HTMLInputElement).checked).map((c) => c.value);
        setAt(ctx.data, path, picked);
        ctx.changed(path);
      },
    });
    return el('div', { class: 'choice' }, box, el('label', { for: boxId }, choice.label));
  });
  const messages = el('ul', { class: 'messages', id: `${id}-msg` });
  const set = el(
    'fieldset',
    { class: 'choice-set', id, tabindex: '-1', 'aria-describedby': messages.id },
    el('legend', {}, field.label),
    field.help ? el('p', { class: 'help' }, field.help) : null,
    el('div', { class: 'choices' }, ...boxes),
    messages,
  );
  register(ctx, path, field.label, (boxes[0]?.querySelector('input') as HTMLElement) ?? set, [], messages);
  return set;
}

/** A blank item of a list, as `sheetbook new` writes one: texts empty, choices unset, year rows at 0. */
function blankItem(fields: FieldView[]): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const f of fields) {
    const key = lastKey(f);
    if (f.kind === 'text' || f.kind === 'line') item[key] = '';
    else if (f.kind === 'choice') item[key] = null;
    else if (f.kind === 'yearRow') item[key] = Object.fromEntries((f.years ?? []).map((y) => [String(y), 0]));
    else if (f.kind === 'group') item[key] = blankItem(f.fields ?? []);
    else if (f.kind === 'list' || f.kind === 'slots') item[key] = [];
  }
  return item;
}

/** A list of records (戦略プラン, 指標): each a group of inputs, added and removed up to the form's slots. */
function recordList(field: FieldView, path: DataPath, ctx: FormContext): HTMLElement {
  const id = fieldId(path);
  const fields = field.fields ?? [];
  const items = el('div', { class: 'items' });
  const status = el('p', { class: 'list-status', role: 'status' });
  const messages = el('ul', { class: 'messages', id: `${id}-msg` });
  const add = el('button', { type: 'button', class: 'add' });
  const list = () => (Array.isArray(getAt(ctx.data, path)) ? (getAt(ctx.data, path) as unknown[]) : []);

  const draw = () => {
    for (const key of [...ctx.slots.keys()]) if (key.startsWith(`${dotted(path)}.`)) ctx.slots.delete(key);
    replaceChildren(
      items,
      ...list().map((_item, i) => {
        const itemPath = [...path, i];
        const legend = `${field.itemLabel ?? field.label} ${i + 1}`;
        const remove = el(
          'button',
          {
            type: 'button',
            class: 'remove',
            onclick: () => {
              list().splice(i, 1);
              draw();
              status.textContent = `${legend}を削除しました。`;
              add.focus();
              ctx.changed(path);
            },
          },
          `${legend}を削除`,
        );
        const box = el('fieldset', { class: 'item', id: fieldId(itemPath), tabindex: '-1' }, el('legend', {}, legend));
        const itemMessages = el('ul', { class: 'messages', id: `${fieldId(itemPath)}-msg` });
        append(box, itemMessages, ...renderFields(fields, itemPath, ctx), remove);
        register(ctx, itemPath, legend, box, [], itemMessages);
        return box;
      }),
    );
    const max = field.maxItems ?? Infinity;
    add.disabled = list().length >= max;
    const what = field.itemLabel ?? field.label;
    add.textContent = Number.isFinite(max) ? `${what}を追加（${list().length}／${max} 枠）` : `${what}を追加`;
    ctx.redrawn();
  };
  add.addEventListener('click', () => {
    if (!Array.isArray(getAt(ctx.data, path))) setAt(ctx.data, path, []);
    list().push(clone(blankItem(fields)));
    draw();
    const added = items.lastElementChild as HTMLElement | null;
    (added?.querySelector('input, textarea, select') as HTMLElement | null)?.focus();
    status.textContent = `${field.itemLabel ?? field.label} ${list().length} を追加しました。`;
    ctx.changed(path);
  });

  const box = el(
    'fieldset',
    { class: `list kind-${field.kind}`, id, tabindex: '-1', 'aria-describedby': messages.id },
    el('legend', {}, field.label),
    field.help ? el('p', { class: 'help' }, field.help) : null,
    messages,
    items,
    add,
    status,
  );
  register(ctx, path, field.label, box, [], messages);
  draw();
  return box;
}

/** Year rows as the printed table draws them: a row per field, a column per year. */
function yearGrid(rows: FieldView[], parent: DataPath, ctx: FormContext, caption?: string): HTMLElement {
  const years = rows[0].years ?? [];
  const labels = rows[0].yearLabels ?? years.map(String);
  const gridId = fieldId([...parent, lastKey(rows[0])]);
  const colId = (i: number) => `${gridId}-year-${i}`;
  const messageArea = el('div', { class: 'grid-messages' });
  const tableMessages = el('ul', { class: 'messages for-table', id: `${gridId}-table-msg` });
  const body = el('tbody');
  for (const field of rows) {
    const rowPath = [...parent, lastKey(field)];
    const rowId = `${fieldId(rowPath)}-row`;
    const rowMessages = el('ul', { class: 'messages', id: `${fieldId(rowPath)}-msg` });
    messageArea.append(rowMessages);
    const cells = years.map((year, i) => {
      const cellPath = [...rowPath, String(year)];
      const cellMessages = el('ul', { class: 'messages', id: `${fieldId(cellPath)}-msg` });
      messageArea.append(cellMessages);
      const value = getAt(ctx.data, cellPath);
      const onValue = (next: unknown) => {
        if (next === undefined) deleteAt(ctx.data, cellPath);
        else setAt(ctx.data, cellPath, next);
        ctx.changed(cellPath);
      };
      const control: HTMLElement = field.choices
        ? choiceSelect(field.choices, value, onValue, false)
        : el('input', {
            type: 'text',
            inputmode: field.integer ? 'numeric' : 'decimal',
            autocomplete: 'off',
            class: 'figure',
            value: figureText(value),
            oninput: (event: Event) => onValue(parseFigure((event.target as HTMLInputElement).value)),
          });
      control.id = fieldId(cellPath);
      control.setAttribute('aria-labelledby', `${rowId} ${colId(i)}`);
      control.setAttribute('aria-describedby', `${cellMessages.id} ${rowMessages.id}`);
      register(ctx, cellPath, `${field.label} ${labels[i]}`, control, [control], cellMessages, undefined, `${field.label} › ${labels[i]}`);
      return el('td', {}, control);
    });
    register(ctx, rowPath, field.label, (cells[0]?.firstElementChild as HTMLElement) ?? body, [], rowMessages, undefined, field.label);
    body.append(el('tr', {}, el('th', { scope: 'row', id: rowId }, field.label, field.unit ? el('span', { class: 'unit' }, `（${field.unit}）`) : null), ...cells));
  }
  const table = el(
    'table',
    { class: 'grid' },
    caption ? el('caption', {}, caption) : null,
    el('thead', {}, el('tr', {}, el('td', {}), ...labels.map((label, i) => el('th', { scope: 'col', id: colId(i) }, label)))),
    body,
  );
  return el('div', { class: 'grid-wrap' }, el('div', { class: 'table-scroll' }, table), tableMessages, messageArea);
}
