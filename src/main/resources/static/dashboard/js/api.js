// The service's API as the dashboard calls it: the key from sessionStorage as a bearer header
// (never in a URL), problem details as errors, server-sent events read through fetch (an
// EventSource cannot send a header).

const KEY = 'slabprune.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused request: its status and problem detail (RFC 9457), when the service sent one. */
export class ApiError extends Error {
  constructor(status, problem, path) {
    super(
      problem?.detail ??
        (status === 401
          ? 'The service needs an API key: enter it above.'
          : `The service answered ${status} to ${path}.`),
    );
    this.status = status;
    this.problem = problem;
  }
}

async function call(method, path, { body, headers, signal } = {}) {
  const sent = new Headers(headers);
  const key = apiKey.get();
  if (key) sent.set('Authorization', `Bearer ${key}`);
  let payload = body;
  if (body != null && !(body instanceof FormData)) {
    sent.set('Content-Type', 'application/json');
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, {
    method,
    headers: sent,
    body: payload,
    signal,
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    let problem = null;
    if ((response.headers.get('Content-Type') ?? '').includes('json')) {
      problem = await response.json().catch(() => null);
    }
    throw new ApiError(response.status, problem, path);
  }
  return response;
}

export async function getJson(path, options) {
  return (await call('GET', path, options)).json();
}

/** POSTs JSON (or a form) and returns the answer's body and Location. */
export async function post(path, body) {
  const response = await call('POST', path, { body });
  const text = await response.text();
  return { location: response.headers.get('Location'), body: text ? JSON.parse(text) : null };
}

export async function getBytes(path) {
  return (await call('GET', path)).arrayBuffer();
}

/**
 * Downloads what the path serves as a file (the bearer header rules out a plain link), named as
 * the service's Content-Disposition says.
 */
export async function download(path, fallbackName) {
  const response = await call('GET', path);
  const blob = await response.blob();
  const name = fileName(response.headers.get('Content-Disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { name, size: blob.size };
}

function fileName(disposition) {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}

/**
 * Reads a text/event-stream and calls onEvent(name, data) for each event until the stream ends
 * (the service closes it when the job ends) or the signal aborts.
 */
export async function follow(path, onEvent, signal) {
  const response = await call('GET', path, { headers: { Accept: 'text/event-stream' }, signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let name = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      let line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data.length) onEvent(name, data.join('\n'));
        name = 'message';
        data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'event') name = text;
        else if (field === 'data') data.push(text);
      }
    }
  }
}

/** Follows a job's events, calling onJob with each state of the job. */
export function followJob(id, onJob, signal) {
  return follow(
    `/api/v1/jobs/${id}/events`,
    (name, data) => {
      if (name === 'job') onJob(JSON.parse(data));
    },
    signal,
  );
}
