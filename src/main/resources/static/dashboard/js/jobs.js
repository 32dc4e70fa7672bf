// The jobs list: state and live progress of each job, filtered by state.
import { followJob, getJson } from './api.js';
import { jobStates } from './contract.js';
import { fill, h, int, isActive, percent, seconds, shortId, stateBadge, when } from './dom.js';

/** Jobs followed over server-sent events at once; the browser allows six connections a host. */
const FOLLOWED = 4;
const POLL_MS = 3000;
const PAGE_SIZE = 20;

export function progressText(job) {
  const p = job.progress;
  const parts = [p.phase];
  if (p.totalEpochs > 0) parts.push(`epoch ${p.epoch}/${p.totalEpochs}`);
  parts.push(percent(p.fraction, 0));
  if (p.etaSeconds != null && isActive(job.state))
    parts.push(`about ${seconds(p.etaSeconds)} left`);
  return parts.join(' · ');
}

export function progressBar(job, id) {
  return h(
    'div',
    { class: 'progress' },
    h('progress', {
      id,
      max: '1',
      value: String(job.progress.fraction),
      'aria-label': `progress of job ${shortId(job.id)}`,
    }),
    h('span', { class: 'progress-text' }, progressText(job)),
  );
}

function row(job) {
  return h(
    'tr',
    { id: `job-${job.id}`, dataset: { state: job.state } },
    h('td', {}, h('a', { href: `#/jobs/${job.id}`, class: 'mono' }, shortId(job.id))),
    h('td', {}, job.kind),
    h('td', { class: 'job-state' }, stateBadge(job.state)),
    h('td', { class: 'job-progress' }, progressBar(job)),
    h('td', {}, job.progress.density == null ? '—' : percent(job.progress.density)),
    h('td', {}, when(job.createdAt)),
  );
}

function update(tr, job) {
  tr.dataset.state = job.state;
  tr.querySelector('.job-state').replaceChildren(stateBadge(job.state));
  tr.querySelector('.job-progress').replaceChildren(progressBar(job));
  tr.children[4].textContent = job.progress.density == null ? '—' : percent(job.progress.density);
}

export async function jobsView(root, params, { signal, showError }) {
  const state = params.get('state') ?? '';
  const page = Math.max(0, Number.parseInt(params.get('page') ?? '0', 10) || 0);
  const states = await jobStates();
  const query = new URLSearchParams({ page, size: PAGE_SIZE });
  if (state) query.set('state', state);
  const jobs = await getJson(`/api/v1/jobs?${query}`, { signal });

  const filter = h(
    'select',
    {
      id: 'state-filter',
      onchange: (event) => {
        const value = event.target.value;
        location.hash = value ? `#/jobs?state=${value}` : '#/jobs';
      },
    },
    h('option', { value: '' }, 'all states'),
    states.map((s) => h('option', { value: s, selected: s === state }, s.toLowerCase())),
  );
  const body = h('tbody', {}, jobs.items.map(row));
  const pageLink = (to, label) =>
    h(
      'a',
      {
        href: `#/jobs?${new URLSearchParams({ ...(state ? { state } : {}), page: to })}`,
        class: 'button',
      },
      label,
    );
  fill(
    root,
    h(
      'div',
      { class: 'title-row' },
      h('h1', {}, 'Jobs'),
      h('a', { href: '#/new', class: 'button primary', id: 'new-job' }, 'New job'),
    ),
    h(
      'form',
      { class: 'filters', onsubmit: (event) => event.preventDefault() },
      h('label', { for: 'state-filter' }, 'State'),
      filter,
      h(
        'button',
        {
          type: 'button',
          id: 'refresh',
          onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')),
        },
        'Refresh',
      ),
      h(
        'span',
        { class: 'muted', id: 'jobs-count' },
        `${int(jobs.totalItems)} job${jobs.totalItems === 1 ? '' : 's'}`,
      ),
    ),
    jobs.items.length === 0
      ? h(
          'p',
          { id: 'no-jobs' },
          state ? `No ${state.toLowerCase()} jobs. ` : 'No jobs yet. ',
          h('a', { href: '#/new' }, 'Start one'),
          '.',
        )
      : h(
          'table',
          { id: 'jobs', class: 'data' },
          h('caption', { class: 'sr-only' }, 'Jobs, newest first'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Job', 'Kind', 'State', 'Progress', 'Density', 'Created'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          body,
        ),
    jobs.totalPages > 1
      ? h(
          'nav',
          { class: 'pages', 'aria-label': 'Pages' },
          page > 0 ? pageLink(page - 1, 'Newer') : null,
          h('span', {}, `page ${page + 1} of ${jobs.totalPages}`),
          page + 1 < jobs.totalPages ? pageLink(page + 1, 'Older') : null,
        )
      : null,
  );

  // Live progress: the first active jobs over server-sent events, the others polled.
  const active = jobs.items.filter((job) => isActive(job.state));
  const rowOf = (id) => document.getElementById(`job-${id}`);
  for (const job of active.slice(0, FOLLOWED)) {
    followJob(job.id, (now) => rowOf(now.id) && update(rowOf(now.id), now), signal).catch(
      (error) => {
        if (error.name !== 'AbortError') showError(error);
      },
    );
  }
  const polled = active.slice(FOLLOWED).map((job) => job.id);
  if (polled.length) {
    const timer = setInterval(async () => {
      for (const id of polled) {
        const now = await getJson(`/api/v1/jobs/${id}`, { signal }).catch(() => null);
        if (now && rowOf(id)) update(rowOf(id), now);
      }
    }, POLL_MS);
    signal.addEventListener('abort', () => clearInterval(timer));
  }
}
