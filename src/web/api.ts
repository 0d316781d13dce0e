// The server's API (src/server/): JSON in and out, errors as { message } in Japanese. The page sends the cookie the
// first page set; the browser adds the Origin the server checks on every write.
import type { CheckResult, Conflict, FlowAction, FormView, LoadedSheet, SaveResult, SheetData, SheetFlow, SheetHistory, YearList } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }

  /** With accounts: no live session (never logged in, logged out, or idle too long). */
  get login(): boolean {
    return this.status === 401 && !!this.body && (this.body as { login?: unknown }).login === true;
  }
}

/** Who the page is used by (GET /api/session); `csrfToken` with accounts. */
export interface Session {
  accounts: boolean;
  name: string;
  displayName: string;
  role: string;
  department?: string;
  division?: string;
  csrfToken?: string;
}

let csrfToken: string | undefined;

async function failure(response: Response): Promise<ApiError> {
  let body: unknown;
  let message = '';
  try {
    body = await response.json();
    message = typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : '';
  } catch {
    // Not JSON (401 is a short text): the status tells enough.
  }
  if (response.status === 401 && (body as { login?: unknown } | undefined)?.login !== true) {
    message = 'このページを開く権限がありません。sheetbook serve が表示したアドレス（?token= の付いたもの）から開き直してください。';
  } else if (response.status === 401 && csrfToken !== undefined) {
    message = 'ログインの有効期限が切れました（しばらく操作がなかったか、ログアウトしました）。ページを読み込み直して、ログインし直してください。';
  }
  return new ApiError(response.status, message || `サーバーがエラーを返しました（${response.status}）。`, body);
}

async function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      // The session's CSRF token goes with every write (the server also checks the Origin the browser adds).
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(method !== 'GET' && csrfToken ? { 'X-CSRF-Token': csrfToken } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'サーバーにつながりません。sheetbook serve が動いているか確かめてください。');
  }
  if (!response.ok) throw await failure(response);
  return response;
}

export async function getSession(): Promise<Session> {
  const session = (await (await request('GET', '/api/session')).json()) as Session;
  csrfToken = session.csrfToken;
  return session;
}

export async function logIn(name: string, password: string): Promise<void> {
  await request('POST', '/api/login', { name, password });
}

export async function logOut(): Promise<void> {
  await request('POST', '/api/logout');
  csrfToken = undefined;
}

const sheetUrl = (kind: string, year: number, number: string) => `/api/${kind}/${year}/${encodeURIComponent(number)}`;

export const getForm = async (year: number | null): Promise<FormView> => (await request('GET', year === null ? '/api/form' : `/api/form?year=${year}`)).json();

export const getYears = async (): Promise<{ years: number[]; year: number | null }> => (await request('GET', '/api/years')).json();

export const getYear = async (year: number): Promise<YearList> => (await request('GET', `/api/years/${year}/sheets`)).json();

export async function createSheet(year: number, fields: { number: string; department: string; division: string }): Promise<{ number: number; key: string }> {
  return (await request('POST', `/api/years/${year}/sheets`, fields)).json();
}

export async function getSheet(year: number, number: string): Promise<LoadedSheet & { etag: string }> {
  const response = await request('GET', sheetUrl('sheets', year, number));
  return { ...(await response.json()), etag: response.headers.get('ETag') ?? '' };
}

export async function checkSheet(year: number, number: string, data: SheetData, signal?: AbortSignal): Promise<CheckResult> {
  return (await request('POST', sheetUrl('check', year, number), { data }, {}, signal)).json();
}

/** A preview: the PDF, and a hash of each page's look (X-Page-Hashes), so that an unchanged page is not redrawn. */
export interface Preview {
  bytes: ArrayBuffer;
  pageHashes: string[];
}

export async function previewSheet(year: number, number: string, data: SheetData, signal?: AbortSignal): Promise<Preview> {
  const response = await request('POST', sheetUrl('preview', year, number), { data }, {}, signal);
  const pageHashes = (response.headers.get('X-Page-Hashes') ?? '').split(',').filter(Boolean);
  return { bytes: await response.arrayBuffer(), pageHashes };
}

/** Saves with the version the editor holds; a file changed on disk since comes back as the Conflict. */
export async function saveSheet(year: number, number: string, data: SheetData, etag: string): Promise<{ saved: SaveResult } | { conflict: Conflict }> {
  try {
    const response = await request('PUT', sheetUrl('sheets', year, number), { data }, { 'If-Match': etag });
    const saved = (await response.json()) as SaveResult;
    return { saved: { ...saved, etag: response.headers.get('ETag') ?? saved.etag } };
  } catch (error) {
    if (error instanceof ApiError && error.status === 412 && error.body && typeof error.body === 'object' && 'disk' in error.body) {
      return { conflict: error.body as Conflict };
    }
    throw error;
  }
}

/** A step of the review flow (提出, 確認済にする, 差し戻す with a comment): the new state, or an ApiError (409, 403). */
export async function flowStep(year: number, number: string, action: FlowAction, comment?: string): Promise<{ flow: SheetFlow; actions: FlowAction[] }> {
  return (await request('POST', `${sheetUrl('sheets', year, number)}/${action}`, comment === undefined ? {} : { comment })).json();
}

export const getHistory = async (year: number, number: string): Promise<SheetHistory> => (await request('GET', `${sheetUrl('sheets', year, number)}/history`)).json();
