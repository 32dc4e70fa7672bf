// The dashboard: a hash router over three views (jobs, new job, one job) and the API key form.
import { apiKey } from './api.js';
import { h } from './dom.js';
import { jobsView } from './jobs.js';
import { newJobView } from './new-job.js';
import { jobView } from './job.js';

const view = document.getElementById('view');
const notice = document.getElementById('notice');
let current = null;

/** Shows an error above the page (an ApiError's problem detail, or any Error's message). */
export function showError(error) {
  notice.replaceChildren(
    h('strong', {}, 'Error: '),
    error?.message ?? String(error),
    ' ',
    h(
      'button',
      { type: 'button', class: 'link', onclick: () => (notice.hidden = true) },
      'Dismiss',
    ),
  );
  notice.hidden = false;
}

function route() {
  current?.abort();
  current = new AbortController();
  notice.hidden = true;
  // Nothing of the last page stays while the next one loads.
  view.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  const [path, query] = (location.hash.replace(/^#/, '') || '/jobs').split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = path.split('/').filter(Boolean);
  for (const link of document.querySelectorAll('nav a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${parts[0] ?? 'jobs'}`);
  }
  const context = { signal: current.signal, showError };
  let shown;
  if (parts[0] === 'new') shown = newJobView(view, context);
  else if (parts[0] === 'jobs' && parts[1]) shown = jobView(view, parts[1], context);
  else shown = jobsView(view, params, context);
  Promise.resolve(shown).catch((error) => {
    if (error?.name !== 'AbortError') showError(error);
  });
}

function keyForm() {
  const form = document.getElementById('key-form');
  const input = document.getElementById('api-key');
  const status = document.getElementById('key-status');
  const show = () => {
    status.textContent = apiKey.get() ? 'a key is in use for this tab' : 'no key: open mode';
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key) apiKey.set(key);
    input.value = '';
    show();
    route();
  });
  document.getElementById('key-forget').addEventListener('click', () => {
    apiKey.clear();
    show();
    route();
  });
  show();
}

keyForm();
window.addEventListener('hashchange', route);
route();
