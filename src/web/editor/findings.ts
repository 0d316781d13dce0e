// Findings (the validator's and the checks', as `validate` words them) shown at their field and in a list that
// jumps to it; and each box's fit state (fits / printed smaller / does not fit), from the same fitting as the PDF.
import { el, replaceChildren } from '../dom';
import { dotted } from '../paths';
import type { Finding, FitEntry, FitMap } from '../types';
import type { Slot } from './fields';

const SEVERITY = { error: 'エラー', warning: '警告' } as const;

/** The field a finding is about: its own, or the nearest one that holds it (a year row for a missing year). */
export function slotFor(slots: Map<string, Slot>, path: Finding['path']): Slot | undefined {
  for (let n = path.length; n > 0; n--) {
    const slot = slots.get(dotted(path.slice(0, n)));
    if (slot) return slot;
  }
  return undefined;
}

const messageText = (f: Finding) => (f.hint ? `${f.message}（${f.hint}）` : f.message);

/** Marks every field with its findings (aria-invalid for errors) and fills the list. */
export function showFindings(slots: Map<string, Slot>, findings: Finding[], list: HTMLElement, summary: HTMLElement): void {
  for (const slot of slots.values()) {
    if (slot.messages.childElementCount > 0) slot.messages.replaceChildren();
    for (const control of slot.controls) control.removeAttribute('aria-invalid');
    slot.messages.closest('.field, .group, .item, .list, .choice-set, .grid-wrap')?.classList.remove('has-error', 'has-warning');
  }
  const items: HTMLElement[] = [];
  for (const finding of findings) {
    const slot = slotFor(slots, finding.path);
    const where = finding.labels.join(' › ');
    if (slot) {
      const prefix = slot.prefix ?? '';
      slot.messages.append(el('li', { class: finding.severity }, `${SEVERITY[finding.severity]}: ${prefix ? `${prefix}: ` : ''}${messageText(finding)}`));
      if (finding.severity === 'error') for (const control of slot.controls) control.setAttribute('aria-invalid', 'true');
      slot.messages.closest('.field, .group, .item, .list, .choice-set, .grid-wrap')?.classList.add(finding.severity === 'error' ? 'has-error' : 'has-warning');
    }
    const text = `${where ? `${where}: ` : ''}${messageText(finding)}`;
    items.push(
      el(
        'li',
        { class: finding.severity },
        el('span', { class: 'severity' }, SEVERITY[finding.severity]),
        ' ',
        slot ? el('button', { type: 'button', class: 'jump', 'data-path': dotted(finding.path), onclick: () => jumpTo(slot) }, text) : el('span', {}, text),
      ),
    );
  }
  replaceChildren(list, ...items);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  summary.textContent = findings.length === 0 ? '誤りは見つかりません。' : `エラー ${errors} 件・警告 ${warnings} 件`;
  summary.dataset.errors = String(errors);
  summary.dataset.warnings = String(warnings);
}

export function jumpTo(slot: Slot): void {
  slot.focus.scrollIntoView({ block: 'center' });
  slot.focus.focus({ preventScroll: true });
}

const FIT_TEXT: Record<FitEntry['state'], string> = {
  fits: '枠に収まります',
  shrunk: '文字を小さくして印刷します',
  overflow: '枠に収まりません',
};

/** Each boxed field's fit state, beside it. */
export function showFit(slots: Map<string, Slot>, fit: FitMap): void {
  for (const [key, slot] of slots) {
    if (!slot.fit) continue;
    const entry = fit[key];
    if (!entry || !(entry.state in FIT_TEXT)) {
      slot.fit.hidden = true;
      continue;
    }
    let text = FIT_TEXT[entry.state];
    if (entry.state === 'shrunk' && typeof entry.fontSize === 'number') text += `（${entry.fontSize}pt）`;
    if (entry.message && entry.state === 'overflow') text = entry.message;
    slot.fit.textContent = text;
    slot.fit.className = `fit fit-${entry.state}`;
    slot.fit.dataset.state = entry.state;
    slot.fit.hidden = false;
  }
}
