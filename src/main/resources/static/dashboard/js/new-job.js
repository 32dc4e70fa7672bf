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

/**
 * Marks the fields within `scope` that a problem detail names (errors[].location) and says what
 * is wrong.
 */
function showProblem(scope, status, error) {
  for (const el of scope.querySelectorAll('.field-error')) el.hidden = true;
  for (const el of scope.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  status.textContent = error.message;
  status.className = 'status error';
  for (const item of (error instanceof ApiError && error.problem?.errors) || []) {
    const field = scope.querySelector(`[data-field="${CSS.escape(item.location)}"]`);
    if (!field) continue;
    field.querySelector('input, select')?.setAttribute('aria-invalid', 'true');
    const message = field.querySelector('.field-error');
    message.textContent = item.message;
    message.hidden = false;
  }
}

/**
 * An upload form of a `noun` built from the contract's multipart schema, its element ids starting
 * `upload-${id}`; calls onDone with the answer.
 */
async function uploadForm(id, noun, operationId, path, onDone) {
  const spec = await uploadFields(operationId);
  const prefix = `upload-${id}`;
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
    h('button', { type: 'submit', id: `${prefix}-submit` }, `Upload ${noun}`),
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

const HELD_OUT_HINT =
  'Rows the uploaded network never saw, such as your own validation or test set. Every row ' +
  'of the dataset then trains, and the quality budget is measured on these rows against the ' +
  "upload's own score on them: honestly, where its score on rows it learned from flatters it. " +
  'Half of them judge the budget, half confirm it; the split fractions below do not apply.';

function modelLabel(model) {
  return `${model.name} — ${model.summary.architecture.join('-')}, ${int(model.summary.parameterCount)} parameters (${shortId(model.id)})`;
}

function datasetLabel(dataset) {
  const s = dataset.summary;
  return `${dataset.name} — ${int(s.rows)} rows × ${int(s.features)} features, ${s.task.toLowerCase()} (${shortId(dataset.id)})`;
}

/**
 * A panel that chooses one of the owner's models or datasets (`items`), with an upload form that
 * adds to it and calls `onUpload`. An optional choice starts at `none`; `hint` says what it is for.
 */
async function chooser({
  id,
  noun,
  name,
  heading,
  items,
  describe,
  operationId,
  path,
  none,
  hint,
  onUpload,
}) {
  const stored = await items;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const select = h(
    'select',
    {
      id: `${id}-choice`,
      name,
      required: !none,
      'aria-describedby': `${hint ? `${hintId} ` : ''}${errorId}`,
    },
    h(
      'option',
      { value: '' },
      none ?? (stored.length ? `choose a ${noun}` : `no ${noun}s yet: upload one`),
    ),
    stored.map((item) => h('option', { value: item.id }, describe(item))),
  );
  const add = (item) => select.append(h('option', { value: item.id }, describe(item)));
  const upload = await uploadForm(id, noun, operationId, path, (item) => {
    add(item);
    onUpload?.(item);
    select.value = item.id;
    select.dispatchEvent(new Event('change'));
  });
  return {
    select,
    add,
    element: h(
      'section',
      { class: 'panel', 'aria-labelledby': `${id}-heading` },
      h('h2', { id: `${id}-heading` }, heading),
      h(
        'div',
        { class: 'field', dataset: { field: name } },
        h('label', { for: `${id}-choice` }, `Use a stored ${noun}`),
        select,
        hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
        h('p', { id: errorId, class: 'field-error', hidden: true }),
      ),
      h(
        'details',
        { open: !none && stored.length === 0, id: `${id}-upload` },
        h('summary', {}, `Upload a ${noun}`),
        upload,
      ),
    ),
  };
}

export async function newJobView(root, { signal }) {
  const list = (path) => getJson(`${path}?size=100`, { signal }).then((page) => page.items);
  const datasets = list('/api/v1/datasets');
  const datasetChooser = {
    noun: 'dataset',
    describe: datasetLabel,
    operationId: 'uploadDataset',
    path: '/api/v1/datasets',
    items: datasets,
  };
  // an upload in either dataset panel is a choice in both
  let dataset;
  let heldOut;
  const [fields, model, ...chosen] = await Promise.all([
    jobFields(),
    chooser({
      id: 'model',
      noun: 'model',
      name: 'modelId',
      heading: '1. Model',
      items: list('/api/v1/models'),
      describe: modelLabel,
      operationId: 'uploadModel',
      path: '/api/v1/models',
    }),
    chooser({
      ...datasetChooser,
      id: 'dataset',
      name: 'datasetId',
      heading: '2. Dataset',
      onUpload: (item) => heldOut.add(item),
    }),
    chooser({
      ...datasetChooser,
      id: 'held-out',
      name: 'heldOutDatasetId',
      heading: '3. Held-out rows (optional)',
      none: 'none: the job splits the dataset',
      hint: HELD_OUT_HINT,
      onUpload: (item) => dataset.add(item),
    }),
  ]);
  [dataset, heldOut] = chosen;
  const status = h('p', { class: 'status', role: 'status', id: 'job-status' });
  const all = [...fields.settings, ...fields.run];
  const form = h(
    'form',
    { id: 'job-form', novalidate: true },
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'settings-heading' },
      h('h2', { id: 'settings-heading' }, '4. Settings'),
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
    if (heldOut.select.value) request.heldOutDatasetId = heldOut.select.value;
    for (const field of all) {
      const input = form.querySelector(`#${inputId(field, 'job')}`);
      const value = input.disabled ? null : valueOf(field, input);
      if (value != null) setAt(request, field.path, value);
    }
    status.textContent = 'Starting…';
    status.className = 'status';
    try {
      const { body } = await post('/api/v1/jobs', request);
      location.hash = `#/jobs/${body.id}`;
    } catch (error) {
      showProblem(root, status, error);
    }
  });
  // the dataset cannot be its own held-out rows; held-out rows replace the split fractions
  const fractions = ['validationFraction', 'testFraction']
    .map((name) => form.querySelector(`#job-${name}`))
    .filter(Boolean);
  const heldOutChanged = () => {
    for (const input of fractions) input.disabled = heldOut.select.value !== '';
  };
  const datasetChanged = () => {
    for (const option of heldOut.select.options) {
      option.disabled = option.value !== '' && option.value === dataset.select.value;
    }
    if (heldOut.select.selectedOptions[0]?.disabled) {
      heldOut.select.value = '';
      heldOutChanged();
    }
  };
  heldOut.select.addEventListener('change', heldOutChanged);
  dataset.select.addEventListener('change', datasetChanged);
  fill(
    root,
    h('h1', {}, 'New job'),
    h('div', { class: 'columns' }, model.element, dataset.element, heldOut.element),
    form,
  );
}
