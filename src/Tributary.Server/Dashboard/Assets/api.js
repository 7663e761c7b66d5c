// The dashboard's one way to the server: /dashboard/api/<public API path>, authenticated by the session cookie.
// State-changing calls carry the session's CSRF token; a 401 (session gone) returns to the sign-in page.

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? body?.message ?? `The server answered ${status}.`);
    this.status = status;
    this.body = body;
  }
}

export async function loadSession() {
  const response = await fetch('session', { credentials: 'same-origin' });
  if (response.status === 401) {
    window.location.reload();
    throw new ApiError(401, null);
  }
  const session = await response.json();
  csrfToken = session.csrf_token;
  return session;
}

export async function signOut() {
  await fetch('session', { method: 'DELETE', credentials: 'same-origin', headers: { 'X-Tributary-Csrf': csrfToken ?? '' } });
  window.location.reload();
}

/**
 * Calls the API. Resolves with the parsed body; rejects with ApiError (its status and Nango error body).
 * options: { body, headers, allow404 } — with allow404 a 404 resolves to null (an endpoint this server lacks).
 */
export async function api(method, path, options = {}) {
  const headers = { ...(options.headers ?? {}) };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-Tributary-Csrf'] = csrfToken ?? '';
  }
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(`api${path}`, {
    method,
    credentials: 'same-origin',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 401) {
    window.location.reload();
    throw new ApiError(401, null);
  }
  if (response.status === 404 && options.allow404) {
    return null;
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { message: text };
    }
  }
  if (!response.ok) {
    throw new ApiError(response.status, body);
  }
  return body;
}
