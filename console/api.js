// The console's one door to the beian HTTP API (same origin, session cookie).
//
// Every non-GET request carries the session's CSRF token, as the server
// requires; a 401 from any call but the sign-in itself means the session
// expired or was ended, and is handed to the handler app.js installs (which
// shows the sign-in page with a message). Errors come back as ApiError with
// the server's error body, so pages branch on status and code.

let csrfToken = '';
let onUnauthorized = () => {};

// Remembers the CSRF token of the current session ('' after sign-out).
export function setCsrfToken(token) {
  csrfToken = token || '';
}

// Installs what happens when a call answers 401 (session expired or ended).
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

// A refused or failed call. `status` is 0 when the server was not reached;
// `handled` is true when the console already reacted (401 → sign-in page), so
// the page must not show an error of its own.
export class ApiError extends Error {
  constructor(status, body, { handled = false, retryAfter = null } = {}) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || '';
    this.field = error.field || '';
    this.problems = Array.isArray(error.problems) ? error.problems : [];
    this.body = body;
    this.handled = handled;
    this.retryAfter = retryAfter;
  }
}

// True for an error that the page should stay silent about: the request was
// aborted (the user moved on) or the console already handled it.
export function isQuiet(error) {
  return (error && error.name === 'AbortError') || (error instanceof ApiError && error.handled);
}

// Routes whose 401 is an answer, not an expired session.
function isSessionRoute(path) {
  return path === '/v1/session';
}

function headersFor(method, extra) {
  const headers = new Headers(extra || {});
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers.set('X-CSRF-Token', csrfToken);
  }
  return headers;
}

async function errorBody(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function retryAfterOf(response, body) {
  const fromBody = body && body.error && body.error.retry_after_seconds;
  if (Number.isFinite(fromBody)) return fromBody;
  const header = Number.parseInt(response.headers.get('Retry-After') || '', 10);
  return Number.isFinite(header) ? header : null;
}

// Sends one request. `json` is sent as a JSON body; `body` as is (a File or
// Blob, with `contentType`). Answers the Response of a 2xx; throws ApiError.
export async function request(method, path, { json, body, contentType, headers, signal } = {}) {
  const h = headersFor(method, headers);
  let payload = body;
  if (json !== undefined) {
    h.set('Content-Type', 'application/json');
    payload = JSON.stringify(json);
  } else if (contentType) {
    h.set('Content-Type', contentType);
  }
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: payload, signal, credentials: 'same-origin' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: { code: 'network', message: e.message } });
  }
  if (response.ok) return response;
  const errBody = await errorBody(response);
  if (response.status === 401 && !isSessionRoute(path)) {
    onUnauthorized();
    throw new ApiError(401, errBody, { handled: true });
  }
  throw new ApiError(response.status, errBody, { retryAfter: retryAfterOf(response, errBody) });
}

// Answers asked for before the page that needs them was drawn
// (prefetchJson), each taken once.
const early = new Map();

// Asks for `path` now, while the session is checked and the first frame is
// drawn, for the page about to open; its getJson(path) takes the answer. A
// failed early answer is dropped and asked again, so errors stay the page's.
export function prefetchJson(path) {
  early.set(path, fetch(path, { credentials: 'same-origin' }).catch(() => null));
}

// GET and parse JSON.
export async function getJson(path, options = {}) {
  const pending = early.get(path);
  if (pending) {
    early.delete(path);
    const response = await pending;
    if (response && response.ok) return response.json();
  }
  const response = await request('GET', path, options);
  return response.json();
}

// Sends JSON (or nothing) and parses the JSON answer (null for 204).
export async function sendJson(method, path, json, options = {}) {
  const response = await request(method, path, { ...options, json });
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response;
}

// A path with a query string of the non-empty values of `params`.
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// The X-File-Name header value: header values must be ISO-8859-1 in a
// browser, so a name with other characters is percent-encoded.
function fileNameHeader(name) {
  return /^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name);
}

// The media type the server accepts for a scan, or '' when it is none of them.
export function scanMediaType(file) {
  const type = (file.type || '').toLowerCase();
  if (['application/pdf', 'image/jpeg', 'image/png'].includes(type)) return type;
  const name = (file.name || '').toLowerCase();
  if (name.endsWith('.pdf')) return 'application/pdf';
  if (name.endsWith('.jpg') || name.endsWith('.jpeg')) return 'image/jpeg';
  if (name.endsWith('.png')) return 'image/png';
  return '';
}

// Uploads a file as the raw body with XMLHttpRequest, which (unlike fetch)
// reports upload progress: onProgress(fraction 0..1). Answers the parsed JSON.
export function upload(path, file, { contentType, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.responseType = 'text';
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    if (file.name) xhr.setRequestHeader('X-File-Name', fileNameHeader(file.name));
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, { error: { code: 'network', message: 'network error' } }));
    xhr.onload = () => {
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(1);
        resolve(body);
      } else if (xhr.status === 401) {
        onUnauthorized();
        reject(new ApiError(401, body, { handled: true }));
      } else {
        reject(new ApiError(xhr.status, body));
      }
    };
    xhr.send(file);
  });
}

// Percent-decodes a file name the console sent encoded; other names as they are.
export function displayFileName(name) {
  if (!name || !/%[0-9A-Fa-f]{2}/.test(name)) return name || '';
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
