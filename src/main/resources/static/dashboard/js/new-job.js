// Upload a model and a dataset, start a job with its settings. The fields, their ranges, defaults
// and descriptions are read from the contract (/openapi.yaml), not written down here.
import { ApiError, getJson, post } from './api.js';
import { jobFields, uploadFields } from './contract.js';
import { fill, h, int, prose, shortId } from './dom.js';

function range(field) {
  if (field.minimum == null && field.maximum == null) return '';
  const low = field.minimum == null ? '' : `${field.exclusiveMinimum ? '(' : '['}${field.minimum}`;
  const high = field.maximum == null ? '' : `${field.maximum}${field.exclusiveMaximum ? ')' : ']'}`;
  if (!low) return `at most ${high.replace(/[\])]$/, '')}`;
  if (!high) return `at least ${field.minimum}`;
  return `${low}, ${high}`;
}

function inputId(field, prefix) {
  return `${prefix}-${field.path.join('-')}`;
}

/** One labelled input for a contract field, with its default, range and description shown. */
function control(field, prefix) {
  const id = inputId(field, prefix);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const common = { id, name: field.path.join('.'), 'aria-describedby': `${hintId} ${errorId}` };
  let input;
  if (field.type === 'boolean') {
    const label = field.default == null ? 'not set' : `default (${field.default ? 'yes' : 'no'})`;
    input = h(
      'select',
      common,
      h('option', { value: '' }, label),
      h('option', { value: 'true' }, 'yes'),
      h('option', { value: 'false' }, 'no'),
    );
  } else if (field.format === 'binary') {
    input = h('input', { ...common, type: 'file' });
  } else if (field.choices && field.type !== 'number-or-word') {
    input = h(
      'select',
      common,
      h('option', { value: '' }, field.default == null ? 'not set' : `default (${field.default})`),
      field.choices.map((choice) => h('option', { value: choice }, choice)),
    );
  } else if (field.type === 'integer' || field.type === 'number') {
    input = h('input', {
      ...common,
      type: 'number',
      step: field.type === 'integer' ? '1' : 'any',
      min: field.minimum,
      max: field.maximum,
      placeholder: field.default ?? '',
      inputmode: field.type === 'integer' ? 'numeric' : 'decimal',
    });
  } else {
    input = h('input', { ...common, type: 'text', placeholder: field.default ?? '' });
  }
  const facts = [];
  if (field.default != null) {
    facts.push(
      `default ${field.type === 'boolean' ? (field.default ? 'yes' : 'no') : field.default}`,
    );
  } else if (field.type !== 'string' && field.format !== 'binary') facts.push('no fixed default');
  const span = range(field);
  if (span) facts.push(span);
  if (field.type === 'number-or-word') facts.push(`a number or ${field.choices.join(', ')}`);
  return h(
    'div',
    { class: 'field', dataset: { field: field.path.join('.') } },
    h('label', { for: id }, field.name),
    input,
    h(
      'p',
      { id: hintId, class: 'hint' },
      facts.length ? h('span', { class: 'facts' }, facts.join('; ')) : null,
      field.description ? [' ', prose(field.description)] : null,
    ),
    h('p', { id: errorId, class: 'field-error', hidden: true }),
  );
}

function valueOf(field, input) {
  if (field.format === 'binary') return input.files[0] ?? null;
  const raw = input.value.trim();
  if (raw === '') return null;
  if (field.type === 'boolean') return raw === 'true';
  if (field.type === 'integer' || field.type === 'number') return Number(raw);
  if (field.type === 'number-or-word') {
    return field.choices.includes(raw) ? raw : Number.isNaN(Number(raw)) ? raw : Number(raw);
  }
  return raw;
}

function setAt(target, path, value) {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] ??= {};
  node[path.at(-1)] = value;
}

/** Marks the fields a problem detail names (errors[].location) and says what is wrong. */
function showProblem(form, status, error) {
  for (const el of form.querySelectorAll('.field-error')) el.hidden = true;
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  status.textContent = error.message;
  status.className = 'status error';
  for (const item of (error instanceof ApiError && error.problem?.errors) || []) {
    const field = form.querySelector(`[data-field="${CSS.escape(item.location)}"]`);
    if (!field) continue;
    field.querySelector('input, select')?.setAttribute('aria-invalid', 'true');
    const message = field.querySelector('.field-error');
    message.textContent = item.message;
    message.hidden = false;
  }
}

/** An upload form built from the contract's multipart schema; calls onDone with the answer. */
async function uploadForm(kind, operationId, path, onDone) {
  const spec = await uploadFields(operationId);
  const prefix = `upload-${kind}`;
  const status = h('p', { class: 'status', role: 'status', id: `${prefix}-status` });
  const form = h(
    'form',
    { id: `${prefix}-form`, class: 'upload' },
    h('p', { class: 'hint' }, prose(spec.description)),
    h(
      'div',
      { class: 'fields' },
      spec.fields.map((field) => control(field, prefix)),
    ),
    h('button', { type: 'submit', id: `${prefix}-submit` }, `Upload ${kind}`),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData();
    for (const field of spec.fields) {
      const value = valueOf(field, form.querySelector(`#${inputId(field, prefix)}`));
      if (value == null) continue;
      data.append(field.name, value instanceof File ? value : String(value));
    }
    status.textContent = 'Uploading…';
    status.className = 'status';
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const { body } = await post(path, data);
      status.textContent = `Uploaded ${body.name}.`;
      onDone(body);
    } catch (error) {
      showProblem(form, status, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function modelLabel(model) {
  return `${model.name} — ${model.summary.architecture.join('-')}, ${int(model.summary.parameterCount)} parameters (${shortId(model.id)})`;
}

function datasetLabel(dataset) {
  const s = dataset.summary;
  return `${dataset.name} — ${int(s.rows)} rows × ${int(s.features)} features, ${s.task.toLowerCase()} (${shortId(dataset.id)})`;
}

/** A select of the owner's models or datasets, with an upload form that adds to it. */
async function chooser(kind, label, operationId, path, describe, signal) {
  const page = await getJson(`${path}?size=100`, { signal });
  const select = h(
    'select',
    { id: `${kind}-choice`, name: `${kind}Id`, required: true },
    h(
      'option',
      { value: '' },
      page.items.length ? `choose a ${kind}` : `no ${kind}s yet: upload one`,
    ),
    page.items.map((item) => h('option', { value: item.id }, describe(item))),
  );
  const upload = await uploadForm(kind, operationId, path, (item) => {
    select.append(h('option', { value: item.id }, describe(item)));
    select.value = item.id;
    select.dispatchEvent(new Event('change'));
  });
  return {
    select,
    element: h(
      'section',
      { class: 'panel', 'aria-labelledby': `${kind}-heading` },
      h('h2', { id: `${kind}-heading` }, label),
      h(
        'div',
        { class: 'field' },
        h('label', { for: `${kind}-choice` }, `Use a stored ${kind}`),
        select,
      ),
      h(
        'details',
        { open: page.items.length === 0, id: `${kind}-upload` },
        h('summary', {}, `Upload a ${kind}`),
        upload,
      ),
    ),
  };
}

export async function newJobView(root, { signal }) {
  const [fields, model, dataset] = await Promise.all([
    jobFields(),
    chooser('model', '1. Model', 'uploadModel', '/api/v1/models', modelLabel, signal),
    chooser('dataset', '2. Dataset', 'uploadDataset', '/api/v1/datasets', datasetLabel, signal),
  ]);
  const status = h('p', { class: 'status', role: 'status', id: 'job-status' });
  const all = [...fields.settings, ...fields.run];
  const form = h(
    'form',
    { id: 'job-form', novalidate: true },
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'settings-heading' },
      h('h2', { id: 'settings-heading' }, '3. Settings'),
      h(
        'p',
        { class: 'hint' },
        'Every setting is optional: leave a field empty for its default. The job shows the settings it runs with, every default resolved.',
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Training and pruning'),
        h(
          'div',
          { class: 'fields' },
          fields.settings.map((f) => control(f, 'job')),
        ),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Data splits and output'),
        h(
          'div',
          { class: 'fields' },
          fields.run.map((f) => control(f, 'job')),
        ),
      ),
    ),
    h('button', { type: 'submit', id: 'start-job', class: 'primary' }, 'Start job'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const request = { modelId: model.select.value, datasetId: dataset.select.value };
    if (!request.modelId || !request.datasetId) {
      status.textContent = 'Choose or upload a model and a dataset first.';
      status.className = 'status error';
      (request.modelId ? dataset.select : model.select).focus();
      return;
    }
    for (const field of all) {
      const value = valueOf(field, form.querySelector(`#${inputId(field, 'job')}`));
      if (value != null) setAt(request, field.path, value);
    }
    status.textContent = 'Starting…';
    status.className = 'status';
    try {
      const { body } = await post('/api/v1/jobs', request);
      location.hash = `#/jobs/${body.id}`;
    } catch (error) {
      showProblem(form, status, error);
    }
  });
  fill(
    root,
    h('h1', {}, 'New job'),
    h('div', { class: 'columns' }, model.element, dataset.element),
    form,
  );
}
