// The browser editor of `sheetbook serve`, one page with two views: the year's list (/ and /years/<year>) and a
// sheet's editor (/sheets/<year>/<number>). The server answers each of these addresses with this page; moving
// between them keeps the form's description, read once. Leaving an editor with unsaved changes asks first.
import { getForm, getYears } from './api';
import { el, replaceChildren } from './dom';
import { showEditorPage, type EditorPage } from './editor/page';
import { showListPage } from './list-page';
import { startSession } from './session';
import type { FormView } from './types';

const page = document.getElementById('page')!;
const forms = new Map<number | null, Promise<FormView>>();
let current: EditorPage | undefined;
let shown: string | undefined;

const sheetRoute = /^\/sheets\/(20[0-9]{2})\/([0-9]{1,4})\/?$/;
const yearRoute = /^\/years\/(20[0-9]{2})\/?$/;

const formOf = (year: number | null): Promise<FormView> => {
  let form = forms.get(year);
  if (!form) {
    form = getForm(year);
    forms.set(year, form);
    form.catch(() => forms.delete(year));
  }
  return form;
};

/** Shows the view of the address; false when the person chose to stay on a page with unsaved changes. */
async function show(path: string): Promise<boolean> {
  if (path === shown) return true;
  if (current && !current.canLeave()) return false;
  current?.dispose();
  current = undefined;
  shown = path;
  try {
    const sheet = sheetRoute.exec(path);
    if (sheet) {
      const year = Number(sheet[1]);
      current = await showEditorPage(page, await formOf(year), year, sheet[2]);
    } else {
      const year = yearRoute.exec(path);
      const years = await getYears();
      await showListPage(page, year ? Number(year[1]) : (years.year ?? (await formOf(null)).year), years.years, navigate);
    }
  } catch (error) {
    replaceChildren(page, el('main', { id: 'main', tabindex: '-1' }, el('h1', {}, 'sheetbook'), el('p', { class: 'error-text', role: 'alert' }, (error as Error).message)));
  }
  // A new view: the reader starts at its heading.
  const heading = page.querySelector('h1') as HTMLElement | null;
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
  return true;
}

export async function navigate(path: string): Promise<void> {
  const from = location.pathname;
  if (path === from) return;
  history.pushState(null, '', path);
  if (!(await show(path))) history.replaceState(null, '', from);
}

// Links inside the app change the view, not the page (a new window or tab is left to the browser).
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a[href^="/"]') as HTMLAnchorElement | null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  if (link.target && link.target !== '_self') return;
  event.preventDefault();
  void navigate(link.pathname);
});

window.addEventListener('popstate', () => {
  const path = location.pathname;
  void show(path).then((moved) => {
    // Staying: the address goes back to the page still shown.
    if (!moved && shown) history.pushState(null, '', shown);
  });
});

document.getElementById('skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  const main = document.getElementById('main');
  main?.focus();
  main?.scrollIntoView();
});

// With accounts, the log-in comes first (src/web/session.ts).
void startSession(page).then(() => show(location.pathname));
