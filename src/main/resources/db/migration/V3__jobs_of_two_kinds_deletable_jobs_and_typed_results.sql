-- Re-pruning is a job of its own: it has a kind and names the job whose posterior it prunes.
-- Deleting that job later leaves the re-pruning and its result (which holds the posterior too).
alter table job add column kind text not null default 'COMPRESSION'
    check (kind in ('COMPRESSION', 'REPRUNE'));
alter table job add column source_job_id uuid references job (id) on delete set null;
create index job_source_idx on job (source_job_id) where source_job_id is not null;

-- Finished jobs can be deleted. Their events go with them; the events of a job that still exists
-- stay append-only.
alter table job_event drop constraint job_event_job_id_fkey;
alter table job_event add constraint job_event_job_id_fkey
    foreign key (job_id) references job (id) on delete cascade;

create or replace function job_event_is_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        if not exists (select 1 from job where id = old.job_id) then
            return old;
        end if;
    end if;
    raise exception 'job_event is append-only: % is not allowed', tg_op;
end;
$$;

-- When bytes were last stored: a sweep removes bytes nothing refers to only once they have been
-- untouched for a grace period, so an upload whose rows are not written yet keeps its bytes.
-- Storing the same bytes again renews them.
alter table artifact add column touched_at timestamptz;
update artifact set touched_at = created_at;
alter table artifact alter column touched_at set not null;
alter table artifact alter column touched_at set default now();
create index artifact_touched_idx on artifact (touched_at);

-- A re-pruning no longer replaces a job's result, so nothing counts prunings.
alter table job_result drop column prunings;

-- Job parameters with every default resolved, as jobs are created from now on: the engine's
-- defaults of earlier versions are the table's defaults, and the dataset's files are recorded.
update job j set parameters = jsonb_build_object(
    'settings', jsonb_build_object(
        'epochs', coalesce(old.s -> 'epochs', '20'::jsonb),
        'batchSize', coalesce(old.s -> 'batchSize', '128'::jsonb),
        'learningRate', coalesce(old.s -> 'learningRate', '0.001'::jsonb),
        'priorInclusion', case when jsonb_typeof(old.s -> 'priorInclusion') = 'number'
                               then old.s -> 'priorInclusion' else '"auto"'::jsonb end,
        'slabSd', coalesce(old.s -> 'slabSd', '1.0'::jsonb),
        'temperature', coalesce(old.s -> 'temperature', '0.5'::jsonb),
        'evaluationSamples', coalesce(old.s -> 'evaluationSamples', '30'::jsonb),
        'threshold', case when old.s ? 'targetWeights' then 'null'::jsonb
                          else coalesce(old.s -> 'threshold', '0.5'::jsonb) end,
        'targetWeights', coalesce(old.s -> 'targetWeights', 'null'::jsonb),
        'pruneNodes', coalesce(old.s -> 'pruneNodes', 'true'::jsonb),
        'selectInputs', coalesce(old.s -> 'selectInputs', 'true'::jsonb),
        'fineTuneEpochs', coalesce(old.s -> 'fineTuneEpochs', '3'::jsonb),
        'earlyStoppingPatience', coalesce(old.s -> 'earlyStoppingPatience', '0'::jsonb),
        'noiseSd', coalesce(old.s -> 'noiseSd', '1.0'::jsonb)),
    'validationFraction', old.p -> 'validationFraction',
    'testFraction', old.p -> 'testFraction',
    'seed', old.p -> 'seed',
    'reducedInput', coalesce(old.p -> 'reducedInput', 'false'::jsonb),
    'modelSha256', old.p -> 'modelSha256',
    'datasetFiles', coalesce(
        (select jsonb_agg(jsonb_build_object('role', f.role, 'sha256', f.artifact_sha256)
                          order by f.position)
         from dataset_file f where f.dataset_id = j.dataset_id),
        '[]'::jsonb))
from (select id, parameters as p, jsonb_strip_nulls(parameters -> 'settings') as s from job) old
where old.id = j.id;

-- Progress and failures keep their shape; the progress of earlier versions may lack fields that
-- are now always present.
update job set progress = jsonb_build_object(
    'phase', coalesce(progress -> 'phase', '"queued"'::jsonb),
    'epoch', coalesce(progress -> 'epoch', '0'::jsonb),
    'totalEpochs', coalesce(progress -> 'totalEpochs', '0'::jsonb),
    'fraction', coalesce(progress -> 'fraction', '0'::jsonb),
    'elbo', coalesce(progress -> 'elbo', 'null'::jsonb),
    'density', coalesce(progress -> 'density', 'null'::jsonb),
    'validationMetric', coalesce(progress -> 'validationMetric', 'null'::jsonb),
    'etaSeconds', coalesce(progress -> 'etaSeconds', 'null'::jsonb),
    'resumedFromEpoch', coalesce(progress -> 'resumedFromEpoch', 'null'::jsonb))
where progress is not null;

-- Reports in the shape of the typed report. What earlier versions never recorded is null: the
-- service version and the split sizes; and, for a re-pruning stored by an earlier version, the
-- magnitude baseline, the sizes other than the pruned parameters and the prior inclusion.
update job_result r set report = jsonb_build_object(
    'jobId', r.job_id,
    'kind', '"compression"'::jsonb,
    'sourceJobId', 'null'::jsonb,
    'pruning', (old.rep -> 'pruning') || jsonb_build_object(
        'nothingPruned',
        (old.rep #>> '{pruning,keptWeights}')::bigint = (old.rep #>> '{pruning,totalWeights}')::bigint
        and (old.rep #>> '{pruning,keptInputs}')::int = (old.rep #>> '{pruning,totalInputs}')::int),
    'scores', jsonb_build_object(
        'uploaded', old.rep #> '{scores,uploaded}',
        'prunedBeforeFineTuning', coalesce(old.rep #> '{scores,prunedBeforeFineTuning}',
                                           old.rep #> '{scores,pruned}'),
        'pruned', old.rep #> '{scores,pruned}',
        'modelAverage', old.rep #> '{scores,modelAverage}',
        'magnitudeBaseline', coalesce(old.rep #> '{scores,magnitudeBaseline}', 'null'::jsonb)),
    'size', jsonb_build_object(
        'uploadedParameters', coalesce(old.rep #> '{size,uploadedParameters}', 'null'::jsonb),
        'prunedParameters', old.rep #> '{size,prunedParameters}',
        'uploadedFlops', coalesce(old.rep #> '{size,uploadedFlops}', 'null'::jsonb),
        'prunedFlops', coalesce(old.rep #> '{size,prunedFlops}', 'null'::jsonb),
        'prunedSparseFlops', coalesce(old.rep #> '{size,prunedSparseFlops}', 'null'::jsonb),
        'uploadedLatencyMicros', coalesce(old.rep #> '{size,uploadedLatencyMicros}', 'null'::jsonb),
        'prunedLatencyMicros', coalesce(old.rep #> '{size,prunedLatencyMicros}', 'null'::jsonb),
        'measuredSpeedup', coalesce(old.rep #> '{size,measuredSpeedup}', 'null'::jsonb)),
    'artifact', old.rep -> 'artifact',
    'priorInclusion', coalesce(old.rep -> 'priorInclusion', 'null'::jsonb),
    'history', coalesce(old.rep -> 'history', '[]'::jsonb),
    'provenance', jsonb_build_object(
        'serviceVersion', 'null'::jsonb,
        'modelSha256', j.parameters -> 'modelSha256',
        'datasetFiles', j.parameters -> 'datasetFiles',
        'splits', 'null'::jsonb,
        'settings', j.parameters -> 'settings',
        'seed', j.parameters -> 'seed',
        'trainSha256', old.rep #> '{provenance,trainSha256}',
        'nd4jVersion', old.rep #> '{provenance,nd4jVersion}',
        'javaVersion', old.rep #> '{provenance,javaVersion}',
        'os', old.rep #> '{provenance,os}',
        'cpu', old.rep #> '{provenance,cpu}'),
    'warnings', coalesce(old.rep -> 'warnings', '[]'::jsonb))
from (select job_id, report as rep from job_result) old, job j
where old.job_id = r.job_id and j.id = r.job_id;
