// One job: its state and live progress, training curves, and once it has succeeded its report as
// plots and tables, the re-pruning slider and the downloads.
import { download, followJob, getBytes, getJson, post } from './api.js';
import { bars, lineChart, pipMap, pipScale, scatter } from './charts.js';
import { bytes, fill, h, int, isActive, num, percent, shortId, stateBadge, when } from './dom.js';
import { progressBar } from './jobs.js';
import { readNpy } from './npy.js';
import { wouldKeep } from './reprune.js';

// ---- header: state, progress, actions ----

/**
 * The job's facts and the cancel button, built once and updated in place as the job changes, so
 * that a focused button stays where it is.
 */
function header(job, { showError }) {
  const state = h('dd', { id: 'job-state' });
  const progress = h('dd', {});
  const finished = h('dd', {});
  const attempts = h('dd', {});
  const failure = h('p', { class: 'status error', id: 'job-failure', hidden: true });
  const cancel = h('button', { type: 'button', id: 'cancel-job', hidden: true }, 'Cancel job');
  const element = h(
    'section',
    { id: 'job-header', class: 'panel' },
    h(
      'div',
      { class: 'title-row' },
      h('h1', {}, 'Job ', h('span', { class: 'mono' }, shortId(job.id))),
      cancel,
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'State'),
      state,
      h('dt', {}, 'Progress'),
      progress,
      h('dt', {}, 'Kind'),
      h('dd', {}, job.kind === 'reprune' ? 're-pruning' : 'compression'),
      job.sourceJobId
        ? [
            h('dt', {}, 'Re-prunes'),
            h(
              'dd',
              {},
              h(
                'a',
                { href: `#/jobs/${job.sourceJobId}`, class: 'mono' },
                shortId(job.sourceJobId),
              ),
            ),
          ]
        : null,
      h('dt', {}, 'Model'),
      h('dd', {}, job.modelId ? h('span', { class: 'mono' }, shortId(job.modelId)) : 'deleted'),
      h('dt', {}, 'Dataset'),
      h('dd', {}, job.datasetId ? h('span', { class: 'mono' }, shortId(job.datasetId)) : 'deleted'),
      job.parameters.heldOutDatasetFiles
        ? [
            h('dt', {}, 'Held-out rows'),
            h(
              'dd',
              { id: 'job-held-out' },
              job.heldOutDatasetId
                ? h('span', { class: 'mono' }, shortId(job.heldOutDatasetId))
                : 'deleted',
              ': the validation and test splits, rows the upload never saw',
            ),
          ]
        : null,
      h('dt', {}, 'Created'),
      h('dd', {}, when(job.createdAt)),
      h('dt', {}, 'Finished'),
      finished,
      h('dt', {}, 'Attempts'),
      attempts,
    ),
    failure,
    h(
      'details',
      { id: 'job-settings' },
      h('summary', {}, 'Settings it runs with'),
      h(
        'table',
        { class: 'data compact' },
        h(
          'tbody',
          {},
          Object.entries({
            ...job.parameters.settings,
            validationFraction: job.parameters.validationFraction,
            testFraction: job.parameters.testFraction,
            seed: job.parameters.seed,
            reducedInput: job.parameters.reducedInput,
          }).map(([key, value]) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, key),
              h('td', {}, value == null ? '—' : String(value)),
            ),
          ),
        ),
      ),
    ),
  );
  let current = job;
  const update = (now) => {
    current = now;
    element.dataset.state = now.state;
    state.replaceChildren(stateBadge(now.state));
    progress.replaceChildren(progressBar(now, 'job-progress'));
    finished.textContent = when(now.finishedAt);
    const resumed = now.progress.resumedFromEpoch
      ? `, resumed from epoch ${now.progress.resumedFromEpoch}`
      : '';
    attempts.textContent = `${now.attempts} of ${now.maxAttempts}${resumed}`;
    failure.hidden = !now.failure;
    if (now.failure)
      failure.replaceChildren(h('strong', {}, `${now.failure.title}: `), now.failure.detail);
    cancel.hidden = !isActive(now.state);
    if (now.cancelRequested) {
      cancel.disabled = true;
      cancel.textContent = 'Cancelling…';
    }
  };
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      const { body } = await post(`/api/v1/jobs/${current.id}/cancel`);
      update(body);
    } catch (error) {
      cancel.disabled = false;
      showError(error);
    }
  });
  update(job);
  return { element, update };
}

// ---- training curves ----

function training(job) {
  const charts = {
    elbo: lineChart({
      id: 'chart-elbo',
      title: 'ELBO',
      yLabel: 'ELBO',
      series: [{ label: 'ELBO' }],
    }),
    kl: lineChart({
      id: 'chart-kl',
      title: 'KL divergence to the prior',
      yLabel: 'KL',
      series: [{ label: 'KL' }],
    }),
    nll: lineChart({
      id: 'chart-nll',
      title: 'Negative log-likelihood (per example)',
      yLabel: 'NLL',
      series: [{ label: 'NLL' }],
    }),
    density: lineChart({
      id: 'chart-density',
      title: 'Weight density and validation score',
      yLabel: 'fraction',
      series: [{ label: 'density' }, { label: 'validation score' }],
    }),
  };
  const live = new Map();
  const note = h('p', { class: 'hint', id: 'training-note' });
  const element = h(
    'section',
    { id: 'training', class: 'panel', 'aria-labelledby': 'training-heading' },
    h('h2', { id: 'training-heading' }, 'Training'),
    note,
    h(
      'div',
      { class: 'grid' },
      Object.values(charts).map((c) => c.element),
    ),
  );
  const draw = (rows) => {
    const xs = rows.map((r) => r.epoch);
    charts.elbo.update(xs, [rows.map((r) => r.elbo)]);
    charts.kl.update(rows.some((r) => r.kl != null) ? xs : [], [rows.map((r) => r.kl)]);
    charts.nll.update(rows.some((r) => r.nll != null) ? xs : [], [rows.map((r) => r.nll)]);
    charts.density.update(xs, [rows.map((r) => r.density), rows.map((r) => r.validationMetric)]);
  };
  if (job.kind === 'reprune') {
    note.textContent =
      'A re-pruning does not train: it prunes its source job’s posterior again. The curves are on the source job’s page.';
    element.querySelector('.grid').hidden = true;
  } else {
    note.textContent =
      'Live while the job trains: the figures of each finished epoch as its progress reports them; the whole history comes with the report, when the job ends.';
  }
  return {
    element,
    /** Adds the last finished epoch of a running job. */
    progress(now) {
      const p = now.progress;
      if (now.kind === 'reprune' || p.totalEpochs === 0 || p.elbo == null) return;
      const epoch = Math.floor(p.fraction * p.totalEpochs + 1e-9);
      if (epoch < 1) return;
      live.set(epoch, {
        epoch,
        elbo: p.elbo,
        kl: p.kl ?? null,
        nll: p.nll ?? null,
        density: p.density,
        validationMetric: p.validationMetric,
      });
      draw([...live.values()].sort((a, b) => a.epoch - b.epoch));
    },
    /** The report's whole history. */
    history(rows) {
      if (job.kind === 'reprune') return;
      note.textContent = 'Per epoch of the variational training, from the report.';
      draw(rows);
    },
  };
}

// ---- report ----

function metricName(scores) {
  return scores.uploaded.accuracy != null ? 'accuracy' : 'rmse';
}

function summary(report) {
  const p = report.pruning;
  const rules = {
    threshold: () => `inclusion probability above ${p.rule.threshold}`,
    targetWeights: () => `the ${int(p.rule.targetWeights)} most probable weights`,
    targetDensity: () => `the most probable ${percent(p.rule.targetDensity)} of the weights`,
    budget: () => 'the smallest network on the path within the quality budget',
  };
  const rule = (rules[p.rule.kind] ?? (() => 'keep everything'))();
  return h(
    'section',
    { id: 'summary', class: 'panel', 'aria-labelledby': 'summary-heading' },
    h('h2', { id: 'summary-heading' }, 'What was kept'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Rule'),
      h('dd', {}, rule),
      h('dt', {}, 'Architecture'),
      h(
        'dd',
        { id: 'architecture' },
        `${p.originalArchitecture.join('-')} → ${p.survivingArchitecture.join('-')}`,
      ),
      h('dt', {}, 'Weights kept'),
      h(
        'dd',
        { id: 'weights-kept' },
        `${int(p.keptWeights)} of ${int(p.totalWeights)} (${percent(p.weightDensity)})`,
      ),
      h('dt', {}, 'Inputs kept'),
      h('dd', {}, `${int(p.keptInputs)} of ${int(p.totalInputs)}`),
      h('dt', {}, 'Prior inclusion λ'),
      h('dd', {}, num(report.priorInclusion, 4)),
      h('dt', {}, 'ONNX size'),
      h(
        'dd',
        {},
        `${bytes(report.artifact.sizeBytes)} (was ${bytes(report.artifact.originalSizeBytes)})`,
      ),
    ),
    p.nothingPruned
      ? h(
          'p',
          { class: 'status warn' },
          'Nothing was pruned: every weight and input passed the rule.',
        )
      : null,
    budget(report),
  );
}

function budget(report) {
  const b = report.budget;
  if (!b) {
    return h(
      'div',
      { id: 'budget', class: 'budget' },
      h('h3', {}, 'Budget'),
      h(
        'p',
        { class: 'muted' },
        'This report has no budget: the service that made it does not set one.',
      ),
    );
  }
  const limitText =
    b.maxAccuracyDrop != null
      ? `at most ${num(b.maxAccuracyDrop * 100, 2)} points of accuracy lost`
      : b.maxRelativeRmseIncrease != null
        ? `at most ${num(b.maxRelativeRmseIncrease * 100, 2)}% more RMSE`
        : '';
  return h(
    'div',
    { id: 'budget', class: `budget ${b.met ? 'met' : 'missed'}`, dataset: { met: String(b.met) } },
    h('h3', {}, 'Budget'),
    h(
      'p',
      { id: 'budget-met', class: `status ${b.met ? 'ok' : 'error'}` },
      h('span', { 'aria-hidden': 'true' }, b.met ? '✓ ' : '✗ '),
      b.met ? 'Budget met: ' : 'Budget not met: ',
      b.met
        ? `the delivered network scores ${num(b.delivered?.validationScore, 4)} (${b.metric}) against a limit of ${num(b.limit, 4)}.`
        : `no network on the path stayed within ${num(b.limit, 4)} (${b.metric}).`,
    ),
    h(
      'p',
      { class: 'hint' },
      `${limitText}${limitText ? ', ' : ''}measured against ${num(b.reference, 4)} (${{ upload: 'the uploaded network', 'upload-held-out': 'the uploaded network on rows it never saw', 'upload-less-optimism': 'the uploaded network, less its optimism on rows it saw', 'largest-candidate': 'the largest candidate' }[b.referenceSource] || b.referenceSource}) on the validation split${report.provenance.splits?.heldOut ? ', half of the held-out rows' : ''}.`,
    ),
    confirmation(b),
    b.magnitudeLimit != null && b.limit != null && b.magnitudeLimit !== b.limit
      ? h(
          'p',
          { id: 'budget-magnitude', class: 'hint' },
          `Networks made of the uploaded weights (magnitude pruning) are held to ${num(b.magnitudeLimit, 4)}, the uploaded network's own score within the budget: they keep its memory of the rows it learned.`,
        )
      : null,
    b.advice
      ? h('p', { id: 'budget-advice', class: 'advice' }, h('strong', {}, 'Advice: '), b.advice)
      : null,
  );
}

/** The test split's confirmation of the delivered network, with its margin for the rows' noise. */
function confirmation(b) {
  if (!(b.confirmationRows > 0) || b.confirmationScore == null) return null;
  const margin = b.confirmationMargin ?? 0;
  const guarded = b.metric === 'accuracy' ? b.confirmationScore - margin : b.confirmationScore + margin;
  return h(
    'p',
    { id: 'budget-confirmation', class: 'hint' },
    `Confirmed on ${b.confirmationRows} test rows: it scores ${num(b.confirmationScore, 4)}, ` +
      `${num(guarded, 4)} with a margin of ${num(margin, 4)} for their noise (one standard error ` +
      `of its paired difference with the reference), within the limit of ${num(b.confirmationLimit, 4)}.`,
  );
}

function warnings(report) {
  return h(
    'section',
    { id: 'warnings', class: 'panel', 'aria-labelledby': 'warnings-heading' },
    h('h2', { id: 'warnings-heading' }, `Warnings (${report.warnings.length})`),
    report.warnings.length
      ? h(
          'ul',
          { class: 'warnings' },
          report.warnings.map((w) => h('li', {}, h('span', { 'aria-hidden': 'true' }, '⚠ '), w)),
        )
      : h('p', { class: 'muted' }, 'None.'),
  );
}

/** The test split in words: its rows, and whose they are. */
function testSplit(splits) {
  if (!splits) return 'held out';
  const rows = `${int(splits.testRows)} rows`;
  return splits.heldOut ? `${rows} of the held-out dataset, never seen by the upload` : rows;
}

function scoresTable(report) {
  const sc = report.scores;
  const sz = report.size;
  const metric = metricName(sc);
  const prunedSize = [
    sz.prunedParameters,
    sz.prunedFlops,
    sz.prunedLatencyMicros,
    report.artifact.sizeBytes,
  ];
  const rows = [
    [
      'uploaded',
      sc.uploaded,
      [
        sz.uploadedParameters,
        sz.uploadedFlops,
        sz.uploadedLatencyMicros,
        report.artifact.originalSizeBytes,
      ],
    ],
    ['pruned, before fine-tuning', sc.prunedBeforeFineTuning, prunedSize],
    ['pruned (delivered)', sc.pruned, prunedSize],
    ['model average (posterior samples)', sc.modelAverage, [null, null, null, null]],
    [
      'magnitude pruning, same size',
      sc.magnitudeBaseline,
      [sz.prunedParameters, sz.prunedFlops, null, null],
    ],
  ];
  const head = [
    metric === 'accuracy' ? 'Accuracy' : 'RMSE',
    'NLL',
    metric === 'accuracy' ? 'ECE' : null,
    'Uncertainty',
    'Parameters',
    'FLOPs',
    'Latency (µs)',
    'ONNX bytes',
  ].filter(Boolean);
  return h(
    'section',
    { id: 'scores', class: 'panel', 'aria-labelledby': 'scores-heading' },
    h('h2', { id: 'scores-heading' }, 'Scores, sizes and latency'),
    h(
      'table',
      { class: 'data', id: 'scores-table' },
      h(
        'caption',
        {},
        `On the test split (${testSplit(report.provenance.splits)}); latency measured per example. Magnitude pruning keeps as many weights and the same nodes.`,
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Network'),
          head.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map(([name, s, size]) =>
          h(
            'tr',
            { dataset: { row: name.split(' ')[0] } },
            h('th', { scope: 'row' }, name),
            s == null
              ? head.slice(0, metric === 'accuracy' ? 4 : 3).map(() => h('td', {}, '—'))
              : [
                  h('td', {}, num(metric === 'accuracy' ? s.accuracy : s.rmse, 4)),
                  h('td', {}, num(s.nll, 4)),
                  metric === 'accuracy' ? h('td', {}, num(s.ece, 4)) : null,
                  h('td', {}, num(s.uncertainty, 4)),
                ],
            h('td', {}, int(size[0])),
            h('td', {}, int(size[1])),
            h('td', {}, num(size[2], 2)),
            h('td', {}, int(size[3])),
          ),
        ),
      ),
    ),
    sz.measuredSpeedup != null
      ? h(
          'p',
          { class: 'hint' },
          `Measured speed-up of the pruned network: ${num(sz.measuredSpeedup, 2)}×.`,
        )
      : null,
  );
}

/** Where the job's time went: wall and CPU seconds of each phase, in the order they ran. */
function phasesTable(report) {
  const phases = report.phases;
  const section = (...body) =>
    h(
      'section',
      { id: 'phases', class: 'panel', 'aria-labelledby': 'phases-heading' },
      h('h2', { id: 'phases-heading' }, 'Time per phase'),
      ...body,
    );
  if (!phases) {
    return section(h('p', { class: 'muted' }, 'The service that made this report did not time it.'));
  }
  const total = phases.reduce((sum, p) => sum + p.seconds, 0);
  const seconds = (s) => (s != null && s > 0 && s < 0.01 ? '< 0.01' : num(s, 2));
  return section(
    h(
      'table',
      { class: 'data', id: 'phases-table' },
      h(
        'caption',
        {},
        `${num(total, 1)} s in all; CPU seconds are the job's own work, below the wall seconds when the machine was shared.`,
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Phase', 'Seconds', 'Share', 'CPU seconds'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        phases.map((p) =>
          h(
            'tr',
            { dataset: { phase: p.name } },
            h('th', { scope: 'row' }, p.name),
            h('td', {}, seconds(p.seconds)),
            h('td', {}, total > 0 ? percent(p.seconds / total) : '—'),
            h('td', {}, seconds(p.cpuSeconds)),
          ),
        ),
      ),
    ),
  );
}

/** Validation score against weights kept over the candidates on the path; the budget's limit. */
function pathPlot(report) {
  const section = h(
    'section',
    { id: 'path', class: 'panel', 'aria-labelledby': 'path-heading' },
    h('h2', { id: 'path-heading' }, 'Path: weights kept against validation score'),
  );
  const path = (report.path ?? []).filter((p) => p.weights != null && p.validationScore != null);
  if (path.length === 0) {
    section.append(
      h(
        'p',
        { id: 'path-empty', class: 'muted' },
        'This report has no path: the service that made it does not record the candidates evaluated along the training, so there is nothing to plot.',
      ),
    );
    return section;
  }
  const b = report.budget;
  const point = (p) => ({
    x: p.weights,
    y: p.validationScore,
    label: `epoch ${p.epoch}: ${int(p.weights)} weights, nodes ${(p.nodes ?? []).join('-')}, score ${num(p.validationScore, 4)}${p.delivered ? ' (delivered)' : ''}`,
  });
  const series = [
    {
      name: 'within budget',
      shape: 'circle',
      points: path.filter((p) => p.withinBudget && !p.delivered).map(point),
    },
    {
      name: 'outside budget',
      shape: 'ring',
      points: path.filter((p) => !p.withinBudget && !p.delivered).map(point),
    },
    {
      name: 'delivered',
      shape: 'diamond',
      size: 6,
      points: path.filter((p) => p.delivered).map(point),
    },
  ];
  const lines = b?.limit != null ? [{ y: b.limit, label: 'budget limit' }] : [];
  const metric = b?.metric ?? 'score';
  section.append(
    scatter({
      id: 'path-plot',
      title: 'Validation score against weights kept',
      description: `${path.length} candidates evaluated at epoch ends; the delivered one as a diamond${lines.length ? `; the budget's limit ${num(b.limit, 4)} as a dashed line` : ''}.`,
      xLabel: 'weights kept',
      yLabel: `validation ${metric}`,
      series,
      lines,
    }),
    h(
      'details',
      {},
      h('summary', {}, 'The path as a table'),
      h(
        'table',
        { class: 'data compact', id: 'path-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              'Epoch',
              'Weights',
              'Nodes',
              'Inputs',
              'Density',
              `Validation ${metric}`,
              'Fine-tuned',
              'Within budget',
              'Delivered',
            ].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          path.map((p) =>
            h(
              'tr',
              { class: p.delivered ? 'delivered' : null },
              h('td', {}, p.epoch),
              h('td', {}, int(p.weights)),
              h('td', {}, (p.nodes ?? []).join('-')),
              h('td', {}, int(p.inputs)),
              h('td', {}, percent(p.density)),
              h('td', {}, num(p.validationScore, 4)),
              h('td', {}, p.fineTuned ? 'yes' : 'no'),
              h('td', {}, p.withinBudget ? 'yes' : 'no'),
              h('td', {}, p.delivered ? 'yes' : ''),
            ),
          ),
        ),
      ),
    ),
  );
  return section;
}

function nodesChart(report) {
  const p = report.pruning;
  const names = p.originalArchitecture.map((_, i, all) =>
    i === 0 ? 'inputs' : i === all.length - 1 ? 'outputs' : `hidden ${i}`,
  );
  return h(
    'section',
    { id: 'nodes', class: 'panel', 'aria-labelledby': 'nodes-heading' },
    h('h2', { id: 'nodes-heading' }, 'Nodes kept per layer'),
    bars({
      id: 'nodes-chart',
      title: 'Nodes per layer, before and after pruning',
      description: `before ${p.originalArchitecture.join('-')}, after ${p.survivingArchitecture.join('-')}`,
      categories: names,
      groups: [
        { name: 'before', style: 'hatched', values: p.originalArchitecture },
        { name: 'after', style: 'solid', values: p.survivingArchitecture },
      ],
      xLabel: 'layer',
      yLabel: 'nodes',
      width: Math.max(440, 110 * names.length),
    }),
  );
}

function histograms(report) {
  const labels = Array.from(
    { length: 10 },
    (_, i) => `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`,
  );
  return h(
    'section',
    { id: 'histograms', class: 'panel', 'aria-labelledby': 'histograms-heading' },
    h('h2', { id: 'histograms-heading' }, 'Weight inclusion probabilities per layer'),
    h(
      'div',
      { class: 'grid' },
      report.pruning.layers.map((layer) => {
        const arch = report.pruning.originalArchitecture;
        return h(
          'figure',
          { class: 'plot' },
          h(
            'figcaption',
            {},
            `Layer ${layer.layer} (${arch[layer.layer]}×${arch[layer.layer + 1]}): ${int(layer.weightsKept)} weights kept, density ${percent(layer.weightDensity)}`,
          ),
          bars({
            id: `pip-histogram-${layer.layer}`,
            title: `Layer ${layer.layer}: weights by inclusion probability`,
            description: labels.map((l, i) => `${l}: ${layer.pipHistogram[i]}`).join(', '),
            categories: labels.map((l) => l.split('–')[0]),
            groups: [{ name: 'weights', style: 'solid', values: layer.pipHistogram }],
            xLabel: 'inclusion probability (bin start)',
            yLabel: 'weights',
            width: 520,
          }),
        );
      }),
    ),
  );
}

/** A square number of inputs named as pixels (or unnamed) is an image: 784 = 28×28, 64 = 8×8. */
function imageSide(inputs) {
  const side = Math.round(Math.sqrt(inputs.length));
  if (side < 8 || side * side !== inputs.length) return 0;
  const pixelNames = inputs.every((x) => x.name == null || /^(pixel|px)?_?\d+$/i.test(x.name));
  return pixelNames ? side : 0;
}

function inputPips(pips) {
  const inputs = pips.inputs;
  const side = imageSide(inputs);
  const kept = inputs.filter((x) => x.kept).length;
  const section = h(
    'section',
    { id: 'inputs', class: 'panel', 'aria-labelledby': 'inputs-heading' },
    h('h2', { id: 'inputs-heading' }, `Input features: ${int(kept)} of ${int(inputs.length)} kept`),
  );
  if (side) {
    section.append(
      h(
        'figure',
        { class: 'plot' },
        h('figcaption', {}, `Which pixels the network still reads (${side}×${side})`),
        pipMap({
          id: 'input-pip-map',
          pips: inputs.map((x) => x.pip),
          kept: inputs.map((x) => x.kept),
          side,
          scale: Math.max(6, Math.floor(224 / side)),
        }),
        pipScale(),
      ),
    );
  } else {
    const point = (x) => ({
      x: x.index,
      y: x.pip,
      label: `${x.name ?? `input ${x.index}`}: ${num(x.pip, 4)}`,
    });
    section.append(
      scatter({
        id: 'input-pips',
        title: 'Inclusion probability of each input',
        description: `${kept} of ${inputs.length} inputs kept`,
        xLabel: 'input index',
        yLabel: 'inclusion probability',
        series: [
          { name: 'kept', shape: 'circle', points: inputs.filter((x) => x.kept).map(point) },
          { name: 'dropped', shape: 'ring', points: inputs.filter((x) => !x.kept).map(point) },
        ],
      }),
    );
  }
  const dropped = inputs.filter((x) => !x.kept);
  if (dropped.length && dropped.length <= 200) {
    section.append(
      h(
        'p',
        { class: 'hint' },
        'Dropped: ',
        dropped.map((x) => x.name ?? `#${x.index}`).join(', '),
      ),
    );
  }
  return section;
}

// ---- re-pruning ----

async function loadPips(job, pips) {
  const weights = await Promise.all(
    pips.layers.map(async (layer) => readNpy(await getBytes(layer.weightsNpy)).values),
  );
  const widths = [pips.layers[0].inputs, ...pips.layers.map((l) => l.outputs)];
  return {
    widths,
    weights,
    nodes: pips.layers.filter((l) => l.nodePips).map((l) => l.nodePips),
    inputs: pips.inputs.map((x) => x.pip),
  };
}

function reprunePanel(job, report, pips, { showError }) {
  const settings = job.parameters.settings;
  const start = report.pruning.rule.threshold ?? settings.threshold ?? 0.5;
  const slider = h('input', {
    id: 'reprune-threshold',
    type: 'range',
    min: '0.005',
    max: '0.995',
    step: '0.005',
    value: String(start),
    'aria-describedby': 'reprune-preview',
  });
  const shown = h(
    'output',
    { id: 'reprune-threshold-value', for: 'reprune-threshold' },
    start.toFixed(3),
  );
  const pruneNodes = h('input', {
    id: 'reprune-prune-nodes',
    type: 'checkbox',
    checked: settings.pruneNodes,
  });
  const selectInputs = h('input', {
    id: 'reprune-select-inputs',
    type: 'checkbox',
    checked: settings.selectInputs,
  });
  const fineTune = h('input', {
    id: 'reprune-fine-tune',
    type: 'number',
    min: '0',
    max: '1000',
    step: '1',
    placeholder: String(settings.fineTuneEpochs),
  });
  const preview = h(
    'div',
    { id: 'reprune-preview', 'aria-live': 'polite' },
    'Reading the inclusion probabilities…',
  );
  const submit = h(
    'button',
    { type: 'submit', id: 'reprune-submit', class: 'primary', disabled: true },
    'Re-prune',
  );
  const status = h('p', { class: 'status', role: 'status', id: 'reprune-status' });
  let loaded = null;
  const refresh = () => {
    const t = Number(slider.value);
    shown.textContent = t.toFixed(3);
    submit.textContent = `Re-prune at ${t.toFixed(3)}`;
    if (!loaded) return;
    const keep = wouldKeep(loaded, t, pruneNodes.checked, selectInputs.checked);
    preview.dataset.weights = String(keep.weights);
    preview.dataset.architecture = keep.architecture.join('-');
    preview.replaceChildren(
      h(
        'p',
        {},
        'Would keep ',
        h('strong', { id: 'reprune-weights' }, int(keep.weights)),
        ` of ${int(keep.totalWeights)} weights (${percent(keep.weights / keep.totalWeights)}), `,
        'nodes ',
        h('strong', { id: 'reprune-architecture' }, keep.architecture.join('-')),
        `, ${int(keep.inputs)} of ${int(loaded.widths[0])} inputs.`,
      ),
      h(
        'p',
        { class: 'hint' },
        `Now: ${int(report.pruning.keptWeights)} weights, nodes ${report.pruning.survivingArchitecture.join('-')}. The re-pruning fine-tunes and scores the new network as a job of its own.`,
      ),
    );
    submit.disabled = false;
  };
  for (const input of [slider, pruneNodes, selectInputs]) input.addEventListener('input', refresh);
  const form = h(
    'form',
    { id: 'reprune-form' },
    h(
      'div',
      { class: 'slider' },
      h('label', { for: 'reprune-threshold' }, 'Threshold on inclusion probability'),
      slider,
      shown,
    ),
    h(
      'div',
      { class: 'checks' },
      h('label', {}, pruneNodes, ' remove nodes that fail the rule'),
      h('label', {}, selectInputs, ' remove inputs that fail the rule'),
      h('label', { for: 'reprune-fine-tune' }, 'Fine-tuning epochs'),
      fineTune,
    ),
    preview,
    submit,
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    const request = {
      threshold: Number(slider.value),
      pruneNodes: pruneNodes.checked,
      selectInputs: selectInputs.checked,
    };
    if (fineTune.value !== '') request.fineTuneEpochs = Number(fineTune.value);
    status.textContent = 'Queuing the re-pruning…';
    try {
      const { location: url, body } = await post(`/api/v1/jobs/${job.id}/reprune`, request);
      const id = (url ?? '').split('/').pop() || body.id;
      location.hash = `#/jobs/${id}`;
    } catch (error) {
      submit.disabled = false;
      status.textContent = error.message;
      status.className = 'status error';
    }
  });
  loadPips(job, pips)
    .then((result) => {
      loaded = result;
      refresh();
    })
    .catch((error) => {
      preview.textContent = `The inclusion probabilities could not be read: ${error.message}`;
      showError(error);
    });
  refresh();
  return h(
    'section',
    { id: 'reprune', class: 'panel', 'aria-labelledby': 'reprune-heading' },
    h('h2', { id: 'reprune-heading' }, 'Re-prune with another threshold'),
    h(
      'p',
      { class: 'hint' },
      'Move the slider (or use the arrow keys) to see what a threshold keeps, computed here from the inclusion probabilities; then queue it.',
    ),
    form,
  );
}

function downloads(job, pips, { showError }) {
  const status = h('p', { class: 'status', role: 'status', id: 'download-status' });
  const get = (path, name) => async () => {
    status.textContent = 'Downloading…';
    try {
      const file = await download(path, name);
      status.textContent = `Saved ${file.name} (${bytes(file.size)}).`;
      status.dataset.file = file.name;
    } catch (error) {
      status.textContent = '';
      showError(error);
    }
  };
  const layer = h(
    'select',
    { id: 'npy-layer', 'aria-label': 'layer of weights.npy' },
    pips.layers.map((l) =>
      h('option', { value: String(l.layer) }, `layer ${l.layer} (${l.inputs}×${l.outputs})`),
    ),
  );
  return h(
    'section',
    { id: 'downloads', class: 'panel', 'aria-labelledby': 'downloads-heading' },
    h('h2', { id: 'downloads-heading' }, 'Downloads'),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          id: 'download-artifact',
          onclick: get(`/api/v1/jobs/${job.id}/artifact`, `pruned-${job.id}.onnx`),
        },
        'Pruned model (ONNX)',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'download-pips',
          onclick: get(
            `/api/v1/jobs/${job.id}/inclusion-probabilities`,
            `job-${job.id}-inclusion-probabilities.json`,
          ),
        },
        'Inclusion probabilities (JSON)',
      ),
      h(
        'span',
        { class: 'group' },
        layer,
        h(
          'button',
          {
            type: 'button',
            id: 'download-npy',
            onclick: () =>
              get(
                pips.layers[Number(layer.value)].weightsNpy,
                `job-${job.id}-layer-${layer.value}-weight-pips.npy`,
              )(),
          },
          'weights.npy',
        ),
      ),
    ),
    status,
  );
}

// ---- the page ----

export async function jobView(root, id, context) {
  const { signal, showError } = context;
  const job = await getJson(`/api/v1/jobs/${id}`, { signal });
  const top = header(job, context);
  const curves = training(job);
  const result = h('div', { id: 'result' });
  fill(
    root,
    h(
      'p',
      { class: 'crumbs' },
      h('a', { href: '#/jobs' }, 'Jobs'),
      ' / ',
      h('span', { class: 'mono' }, shortId(id)),
    ),
    top.element,
    curves.element,
    result,
  );
  let finished = false;
  const show = (now) => {
    top.update(now);
    curves.progress(now);
    if (!isActive(now.state) && !finished) {
      finished = true;
      finish(now).catch(showError);
    }
  };
  const finish = async (now) => {
    if (now.state !== 'SUCCEEDED') {
      result.replaceChildren(
        h(
          'p',
          { class: 'muted', id: 'no-result' },
          now.state === 'FAILED'
            ? 'The job failed: it has no report.'
            : 'The job was cancelled: it has no report.',
        ),
      );
      return;
    }
    const [report, pips] = await Promise.all([
      getJson(`/api/v1/jobs/${now.id}/report`, { signal }),
      getJson(`/api/v1/jobs/${now.id}/inclusion-probabilities`, { signal }),
    ]);
    curves.history(report.history);
    result.replaceChildren(
      summary(report),
      warnings(report),
      scoresTable(report),
      pathPlot(report),
      nodesChart(report),
      histograms(report),
      inputPips(pips),
      reprunePanel(now, report, pips, context),
      downloads(now, pips, context),
      phasesTable(report),
    );
    result.dataset.loaded = 'true';
  };
  show(job);
  if (isActive(job.state)) {
    followJob(id, show, signal)
      .then(async () => {
        // The stream ends with the job; read it once more in case the last change was missed.
        if (!finished && !signal.aborted) show(await getJson(`/api/v1/jobs/${id}`, { signal }));
      })
      .catch((error) => {
        if (error.name !== 'AbortError') showError(error);
      });
  }
}
