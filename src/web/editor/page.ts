// The sheet editor: the form in the official order, findings as the person types (POST /api/check), the PDF beside
// it (POST /api/preview), saving with the version loaded (If-Match) and no edit ever lost.
import { ApiError, checkSheet, getSheet, previewSheet, saveSheet } from '../api';
import { el, replaceChildren, sheetNumberText } from '../dom';
import { clone, sameValue } from '../paths';
import type { CheckResult, Conflict, DataPath, FormView, LoadedSheet, SheetData } from '../types';
import { conflictPanel } from './conflict';
import { diffPanel, type DiffPanel } from './diff-panel';
import { renderFields, type FormContext, type Slot } from './fields';
import { showFindings, showFit } from './findings';
import { labeller } from './labels';
import { drawPdf } from './preview';
import { flowPanel, type FlowPanel } from './flow-panel';

/** Findings follow a keystroke at once: keystrokes this close together go in one check. One check is out at a time. */
const CHECK_GATHER_MS = 15;
/** The preview waits for typing to stop this long. */
const PREVIEW_QUIET_MS = 50;

export const LEAVE_QUESTION = '保存していない変更があります。このページを離れると、変更は失われます。移動しますか？';

/** What the page measures: from a keystroke to its findings shown, from the last keystroke to its preview drawn. */
export interface Latencies {
  findings: number[];
  preview: number[];
  /** Of each preview: the server's answer (request to last byte), and pdf.js drawing the pages. */
  previewServer?: number[];
  previewDraw?: number[];
}

declare global {
  interface Window {
    sheetbookLatency?: Latencies;
  }
}

export interface EditorPage {
  /** True when the page may be left (nothing unsaved, or the person agreed to lose it). */
  canLeave(): boolean;
  dispose(): void;
}

export async function showEditorPage(page: HTMLElement, form: FormView, year: number, number: string): Promise<EditorPage> {
  const main = el('main', { id: 'main', tabindex: '-1', class: 'editor' }, el('p', { class: 'loading' }, '読み込んでいます…'));
  replaceChildren(page, main);
  const numberText = sheetNumberText(number);
  document.title = `${numberText} — sheetbook`;
  let loaded;
  try {
    loaded = await getSheet(year, numberText);
  } catch (error) {
    replaceChildren(main, el('p', {}, el('a', { href: `/years/${year}` }, '一覧へ戻る')), el('h1', {}, `シート ${numberText}`), el('p', { class: 'error-text', role: 'alert' }, (error as Error).message));
    return { canLeave: () => true, dispose: () => {} };
  }
  if (!loaded.data || typeof loaded.data !== 'object' || Array.isArray(loaded.data)) {
    // Nothing of the file could be read as a sheet (a YAML error at its top): its findings say where to fix it.
    const list = el('ul', { class: 'findings' }, ...loaded.findings.map((f) => el('li', { class: f.severity }, `${f.labels.length ? `${f.labels.join(' › ')}: ` : ''}${f.message}`)));
    replaceChildren(
      main,
      el('p', {}, el('a', { href: `/years/${year}` }, `${year}年度の一覧へ戻る`)),
      el('h1', {}, `シート ${numberText}`),
      el('p', { class: 'error-text', role: 'alert' }, 'このシートのファイルは、書き方の誤りのため読めません。ファイルをエディタで開いて次の誤りを直してから、このページを読み込み直してください。'),
      list,
    );
    return { canLeave: () => true, dispose: () => {} };
  }
  return new Editor(page, form, year, numberText, loaded);
}

class Editor implements EditorPage {
  private data: SheetData;
  private base: SheetData;
  private etag: string;
  private readonly slots = new Map<string, Slot>();
  private readonly label: (path: DataPath) => string;
  private version = 0;
  private readonly inputAt = new Map<number, number>();
  private last: CheckResult;
  private checkedVersion = 0;
  private saving = false;
  private disposed = false;

  private readonly main: HTMLElement;
  private readonly formNode: HTMLFormElement;
  private readonly title: HTMLElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly saveStatus: HTMLElement;
  private readonly conflictArea: HTMLElement;
  private readonly findingsList: HTMLElement;
  private readonly findingsSummary: HTMLElement;
  private readonly previewPages: HTMLElement;
  private readonly previewStatus: HTMLElement;
  /** The review flow's state, buttons and history (flow-panel.ts). */
  private readonly flow: FlowPanel;
  private readonly diff: DiffPanel;

  private checkTimer: number | undefined;
  private checking = false;
  private checkWanted = false;
  private previewTimer: number | undefined;
  private previewing = false;
  private previewWanted = false;

  constructor(
    page: HTMLElement,
    private readonly form: FormView,
    private readonly year: number,
    private readonly number: string,
    loaded: { data: SheetData; findings: CheckResult['findings']; fit: CheckResult['fit']; etag: string } & Pick<LoadedSheet, 'flow' | 'actions'>,
  ) {
    this.data = clone(loaded.data);
    this.base = clone(loaded.data);
    this.etag = loaded.etag;
    this.last = { findings: loaded.findings, fit: loaded.fit };
    this.label = labeller(form);
    window.sheetbookLatency = { findings: [], preview: [], previewServer: [], previewDraw: [] };

    this.title = el('h1', { id: 'sheet-title' });
    this.saveButton = el('button', { type: 'button', id: 'save', class: 'primary', onclick: () => void this.save(), 'aria-keyshortcuts': 'Control+S' }, '保存');
    this.saveStatus = el('p', { id: 'save-status', role: 'status' });
    this.conflictArea = el('div', { id: 'conflict-area' });
    this.formNode = el('form', { id: 'sheet-form', novalidate: true, 'aria-labelledby': 'sheet-title', onsubmit: (e: Event) => e.preventDefault() });
    this.findingsSummary = el('p', { id: 'findings-summary', role: 'status', 'data-current': '0' });
    this.findingsList = el('ul', { id: 'findings-list', class: 'findings' });
    // Not a live region: it changes with every pause in typing, and the findings' summary already speaks.
    this.previewStatus = el('p', { id: 'preview-status' }, '見本を作っています…');
    this.previewPages = el('div', { id: 'preview-pages', class: 'preview-pages' });
    this.flow = flowPanel({ year, number, flow: loaded.flow, actions: loaded.actions, dirty: () => this.dirty, onLock: () => this.showLock() });

    const sectionNav = el(
      'nav',
      { 'aria-label': '欄の一覧', class: 'section-nav' },
      el(
        'ul',
        {},
        ...form.sections.map((section, i) =>
          el('li', {}, el('button', { type: 'button', class: 'link', onclick: () => this.goToSection(i) }, section.title.replace(/（.*$/, ''))),
        ),
      ),
    );
    this.main = el(
      'main',
      { id: 'main', tabindex: '-1', class: 'editor' },
      el(
        'div',
        { class: 'editor-bar' },
        el('p', { class: 'back' }, el('a', { href: `/years/${year}` }, `${year}年度の一覧へ戻る`)),
        this.title,
        el('div', { class: 'save-area' }, this.saveButton, this.saveStatus),
      ),
      this.conflictArea,
      this.flow.node,
      sectionNav,
      this.formNode,
      this.flow.historyNode,
    );
    this.diff = diffPanel(year, number);
    const side = el(
      'aside',
      // Focusable: it scrolls by itself when the preview is taller than the window (keyboard users scroll it too).
      { class: 'side', 'aria-label': '検査の結果と印刷の見本', tabindex: '0' },
      el('section', { class: 'findings-panel', 'aria-labelledby': 'findings-h' }, el('h2', { id: 'findings-h' }, '検査の結果'), this.findingsSummary, this.findingsList),
      this.diff.node,
      el('section', { class: 'preview-panel', 'aria-labelledby': 'preview-h' }, el('h2', { id: 'preview-h' }, '印刷の見本'), this.previewStatus, this.previewPages),
    );
    void this.diff.refresh();
    replaceChildren(page, this.main, side);
    page.classList.add('with-side');
    this.drawForm();
    this.showLock();
    this.updateTitle();
    this.showChecked(this.last);
    document.addEventListener('keydown', this.onKey);
    window.addEventListener('beforeunload', this.onBeforeUnload);
    void this.runPreview();
  }

  private drawForm(): void {
    this.slots.clear();
    const editor = this;
    const ctx: FormContext = {
      data: this.data,
      // What the file holds changes with each save.
      get base() {
        return editor.base;
      },
      emptyMark: this.form.emptyMark,
      slots: this.slots,
      changed: () => this.changed(),
      redrawn: () => this.showChecked(this.last),
    };
    replaceChildren(
      this.formNode,
      ...this.form.sections.map((section, i) =>
        el(
          'section',
          { class: 'form-section', id: `section-${i}`, 'aria-labelledby': `section-${i}-h`, tabindex: '-1' },
          el('h2', { id: `section-${i}-h` }, section.title),
          ...renderFields(section.fields, [], ctx),
        ),
      ),
    );
  }

  private goToSection(i: number): void {
    const section = document.getElementById(`section-${i}`);
    section?.scrollIntoView({ block: 'start' });
    section?.focus({ preventScroll: true });
  }

  private get dirty(): boolean {
    return !sameValue(this.data, this.base);
  }

  private updateTitle(): void {
    const name = typeof this.data.name === 'string' && this.data.name ? this.data.name : '（事務事業名なし）';
    this.title.textContent = `${this.number} ${name}`;
    document.title = `${this.dirty ? '● ' : ''}${this.number} ${name} — sheetbook`;
  }

  /** After every change the person makes: check at once, preview once typing stops. */
  private changed(): void {
    this.version++;
    this.inputAt.set(this.version, performance.now());
    this.findingsSummary.dataset.current = String(this.version);
    this.updateTitle();
    if (this.dirty && !this.saving) this.saveStatus.textContent = '保存していない変更があります。';
    else if (!this.saving) this.saveStatus.textContent = '';
    this.scheduleCheck();
    window.clearTimeout(this.previewTimer);
    this.previewTimer = window.setTimeout(() => void this.runPreview(), PREVIEW_QUIET_MS);
  }

  private scheduleCheck(): void {
    this.checkWanted = true;
    if (this.checking || this.checkTimer !== undefined) return;
    this.checkTimer = window.setTimeout(() => {
      this.checkTimer = undefined;
      void this.runCheck();
    }, CHECK_GATHER_MS);
  }

  private async runCheck(): Promise<void> {
    if (this.disposed) return;
    this.checkWanted = false;
    this.checking = true;
    const version = this.version;
    try {
      const result = await checkSheet(this.year, this.number, this.data);
      // Findings of values since typed over are not shown: the check of the newer ones follows at once.
      if (!this.disposed && version === this.version) {
        this.last = result;
        this.showChecked(result, version);
        this.record('findings', version);
      }
    } catch (error) {
      if (!this.disposed) this.findingsSummary.textContent = `検査できませんでした: ${(error as Error).message}`;
    } finally {
      this.checking = false;
      if (this.checkWanted && !this.disposed) void this.runCheck();
    }
  }

  /** Shows the findings and fit of the values of `version` (the page's own, for the tests and the bench). */
  private showChecked(result: CheckResult, version = this.checkedVersion): void {
    showFindings(this.slots, result.findings, this.findingsList, this.findingsSummary);
    showFit(this.slots, result.fit);
    this.checkedVersion = version;
    this.findingsSummary.dataset.version = String(version);
  }

  private record(kind: 'findings' | 'preview', version: number): void {
    const at = this.inputAt.get(version);
    if (at !== undefined) window.sheetbookLatency?.[kind].push(performance.now() - at);
  }

  private async runPreview(): Promise<void> {
    if (this.disposed) return;
    if (this.previewing) {
      this.previewWanted = true;
      return;
    }
    this.previewWanted = false;
    this.previewing = true;
    const version = this.version;
    this.previewStatus.textContent = '見本を作り直しています…';
    try {
      const asked = performance.now();
      const pdf = await previewSheet(this.year, this.number, this.data);
      if (this.disposed) return;
      const answered = performance.now();
      await drawPdf(pdf, this.previewPages);
      window.sheetbookLatency?.previewServer?.push(answered - asked);
      window.sheetbookLatency?.previewDraw?.push(performance.now() - answered);
      this.previewPages.dataset.version = String(version);
      const errors = this.last.findings.filter((f) => f.severity === 'error').length;
      this.previewStatus.textContent =
        errors > 0 ? `保存していない入力から作った見本です。エラーが ${errors} 件あります（上の「検査の結果」）。` : '保存していない入力から作った見本です。';
      if (version === this.version) this.record('preview', version);
    } catch (error) {
      if (!this.disposed) this.previewStatus.textContent = `見本を作れませんでした: ${error instanceof ApiError ? error.message : (error as Error).message}`;
    } finally {
      this.previewing = false;
      if (this.previewWanted && !this.disposed) void this.runPreview();
    }
  }

  async save(): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    this.saveButton.disabled = true;
    this.saveStatus.textContent = '保存しています…';
    const sent = clone(this.data);
    try {
      const result = await saveSheet(this.year, this.number, sent, this.etag);
      if ('conflict' in result) {
        this.showConflict(result.conflict);
        this.saveStatus.textContent = '保存できませんでした。ファイルがほかで変更されています。あなたの入力は残っています。';
        return;
      }
      this.etag = result.saved.etag;
      this.base = sent;
      void this.diff.refresh();
      replaceChildren(this.conflictArea);
      const errors = result.saved.findings.filter((f) => f.severity === 'error').length;
      const time = new Date().toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
      this.saveStatus.textContent = errors > 0 ? `下書きとして保存しました（${time}）。エラーが ${errors} 件あり、直すまで PDF にはなりません。` : `保存しました（${time}）。`;
      if (sameValue(this.data, sent)) {
        this.last = result.saved;
        this.showChecked(result.saved, this.version);
      }
      this.updateTitle();
      void this.flow.refresh();
    } catch (error) {
      this.saveStatus.textContent = `保存できませんでした: ${(error as Error).message} あなたの入力は残っています。`;
      // Submitted by someone else meanwhile (409): the panel shows the state it is in now.
      if (error instanceof ApiError && error.status === 409) void this.flow.refresh();
    } finally {
      this.saving = false;
      this.saveButton.disabled = this.flow.locked;
    }
  }

  /** A submitted or accepted sheet is not saved (the server refuses it too): the button says so. */
  private showLock(): void {
    // Called once while the constructor builds the panel, before the button exists.
    if (!this.flow) return;
    this.saveButton.disabled = this.saving || this.flow.locked;
    if (this.flow.locked) this.saveStatus.textContent = '提出・確認済のシートは保存できません（差し戻されると直せます）。';
    else if (this.saveStatus.textContent?.startsWith('提出・確認済')) this.saveStatus.textContent = '';
  }

  private showConflict(conflict: Conflict): void {
    const panel = conflictPanel(conflict, this.base, this.data, this.label, {
      merge: (merged) => {
        this.base = clone(conflict.disk.data);
        this.etag = conflict.disk.etag;
        this.data = merged;
        replaceChildren(this.conflictArea);
        this.drawForm();
        this.changed();
        this.saveStatus.textContent = 'ファイルの変更を取り込みました。まだ保存していません。';
        this.saveButton.focus();
      },
      overwrite: () => {
        this.etag = conflict.disk.etag;
        this.base = clone(conflict.disk.data);
        void this.save().then(() => this.saveButton.focus());
      },
    });
    replaceChildren(this.conflictArea, panel);
    panel.scrollIntoView({ block: 'start' });
    panel.focus({ preventScroll: true });
  }

  private readonly onKey = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void this.save();
    }
  };

  private readonly onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!this.dirty) return;
    event.preventDefault();
    event.returnValue = LEAVE_QUESTION;
  };

  canLeave(): boolean {
    return !this.dirty || window.confirm(LEAVE_QUESTION);
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.checkTimer);
    window.clearTimeout(this.previewTimer);
    document.removeEventListener('keydown', this.onKey);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.main.closest('#page')?.classList.remove('with-side');
  }
}
