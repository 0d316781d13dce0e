// Who is using the page. Without accounts (no data/users.yaml) there is nothing to do: the token of the printed
// address is the page's cookie, as before. With accounts, a person without a session is shown the log-in form first;
// once logged in, the header names them and offers to log out.
import { ApiError, getSession, logIn, logOut, type Session } from './api';
import { el, replaceChildren, uniqueId } from './dom';

/** Resolves once the page may show its views: logged in, or no accounts at all. */
export async function startSession(page: HTMLElement): Promise<void> {
  let session: Session | undefined;
  try {
    session = await getSession();
  } catch (error) {
    if (!(error instanceof ApiError && error.login)) return; // no accounts: the views say what is wrong, as before
    session = await showLoginPage(page);
  }
  if (session.accounts) showAccount(session);
}

/** The header's part: the signed-in name and the log-out button. */
function showAccount(session: Session): void {
  const slot = document.getElementById('account');
  if (!slot) return;
  const where = session.division ?? session.department ?? (session.role === 'planning' ? '企画・評価' : '');
  const button = el('button', { type: 'button', class: 'logout', id: 'logout' }, 'ログアウト');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await logOut();
    } finally {
      // Back to the first page, which asks to log in again (and asks first if a sheet has unsaved changes).
      location.assign('/');
    }
  });
  replaceChildren(slot, el('span', { class: 'signed-in', id: 'signed-in' }, `${session.displayName}${where ? `（${where}）` : ''}`), button);
}

/** The log-in form; resolves with the session once a right pair is given. */
function showLoginPage(page: HTMLElement): Promise<Session> {
  document.title = 'ログイン — sheetbook';
  const errorId = uniqueId('login-error');
  const name = el('input', { id: 'login-name', name: 'username', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': errorId });
  const password = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': errorId });
  const error = el('p', { id: errorId, class: 'error-text', role: 'alert', 'aria-live': 'assertive' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'ログイン');
  const form = el(
    'form',
    { class: 'login', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: name.id }, 'ログイン名'), name),
    el('div', { class: 'field' }, el('label', { for: password.id }, 'パスワード'), password),
    error,
    submit,
  );
  replaceChildren(
    page,
    el('main', { id: 'main', tabindex: '-1', class: 'login-page' }, el('h1', {}, 'ログイン'), el('p', {}, '事務事業マネジメントシートを書くには、ログイン名とパスワードでログインしてください。'), form),
  );
  name.focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const blank = !name.value ? name : !password.value ? password : undefined;
      if (blank) {
        showError(blank === name ? 'ログイン名を入力してください。' : 'パスワードを入力してください。', blank);
        return;
      }
      submit.disabled = true;
      try {
        await logIn(name.value, password.value);
        resolve(await getSession());
      } catch (failure) {
        password.value = '';
        showError((failure as Error).message, failure instanceof ApiError && failure.status === 401 ? name : password);
      } finally {
        submit.disabled = false;
      }
    });
  });

  function showError(message: string, field: HTMLInputElement): void {
    for (const input of [name, password]) input.setAttribute('aria-invalid', String(input === field || (field === name && input === password)));
    // Emptied first, so that the same message said twice is announced twice.
    error.textContent = '';
    setTimeout(() => (error.textContent = message), 50);
    field.focus();
  }
}
