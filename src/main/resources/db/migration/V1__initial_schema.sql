-- Artifact bytes live in PostgreSQL large objects, addressed by the SHA-256 of their content.
-- Large objects stream in both directions in chunks; bytea would be read whole into memory by
-- the JDBC driver and caps at 1 GB.
create table artifact (
    sha256      text        primary key check (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes  bigint      not null check (size_bytes >= 0),
    media_type  text        not null,
    content     oid         not null unique,
    created_at  timestamptz not null
);

-- Uploaded networks. `owner` is the tenant that uploaded it.
create table model (
    id               uuid        primary key,
    owner            text        not null,
    name             text        not null,
    file_name        text        not null,
    artifact_sha256  text        not null references artifact (sha256),
    summary          jsonb       not null,
    created_at       timestamptz not null
);
create index model_owner_created_idx on model (owner, created_at desc);

-- Uploaded data sets: one or more files (features and labels, or images and labels) and the
-- parsed summary.
create table dataset (
    id          uuid        primary key,
    owner       text        not null,
    name        text        not null,
    format      text        not null check (format in ('CSV', 'IDX', 'NPY', 'NPZ')),
    options     jsonb       not null default '{}'::jsonb,
    summary     jsonb       not null,
    created_at  timestamptz not null
);
create index dataset_owner_created_idx on dataset (owner, created_at desc);

create table dataset_file (
    dataset_id       uuid     not null references dataset (id) on delete cascade,
    role             text     not null,
    file_name        text     not null,
    position         integer  not null,
    artifact_sha256  text     not null references artifact (sha256),
    primary key (dataset_id, role)
);

-- Compression jobs: the row is the queue. A model or dataset cannot be deleted while a queued or
-- running job uses it; deleting one later leaves the job and its result, and clears the link. A worker claims a job by setting claimed_by,
-- heartbeat_at and version + 1 in one statement; heartbeats and state changes check version.
create table job (
    id                uuid        primary key,
    owner             text        not null,
    model_id          uuid        references model (id) on delete set null,
    dataset_id        uuid        references dataset (id) on delete set null,
    state             text        not null
        check (state in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    parameters        jsonb       not null,
    attempts          integer     not null default 0 check (attempts >= 0),
    max_attempts      integer     not null default 3 check (max_attempts >= 1),
    run_after         timestamptz not null,
    claimed_by        text,
    heartbeat_at      timestamptz,
    version           bigint      not null default 0,
    cancel_requested  boolean     not null default false,
    progress          jsonb,
    failure           jsonb,
    created_at        timestamptz not null,
    started_at        timestamptz,
    finished_at       timestamptz,
    check ((state = 'RUNNING') = (claimed_by is not null))
);
create index job_queue_idx on job (run_after, created_at) where state = 'QUEUED';
create index job_running_heartbeat_idx on job (heartbeat_at) where state = 'RUNNING';
create index job_owner_state_created_idx on job (owner, state, created_at desc);

-- What happened to each job, in order. Rows are never changed or removed.
create table job_event (
    id          bigint      generated always as identity primary key,
    job_id      uuid        not null references job (id),
    at          timestamptz not null,
    type        text        not null,
    from_state  text,
    to_state    text,
    attempt     integer     not null,
    detail      jsonb
);
create index job_event_job_idx on job_event (job_id, id);

create function job_event_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'job_event is append-only: % is not allowed', tg_op;
end;
$$;
create trigger job_event_append_only
    before update or delete on job_event
    for each row execute function job_event_is_append_only();
create trigger job_event_no_truncate
    before truncate on job_event
    for each statement execute function job_event_is_append_only();

-- The latest training state of a running job, so that a job picked up again resumes.
create table job_checkpoint (
    job_id           uuid        primary key references job (id),
    epoch            integer     not null check (epoch >= 0),
    artifact_sha256  text        not null references artifact (sha256),
    created_at       timestamptz not null
);

-- What a finished job produced: the pruned model, the posterior and the report.
-- Re-pruning replaces the pruned model, the report and the inclusion probabilities; the
-- posterior stays.
create table job_result (
    job_id                  uuid        primary key references job (id),
    pruned_sha256           text        not null references artifact (sha256),
    posterior_sha256        text        not null references artifact (sha256),
    report                  jsonb       not null,
    inclusion_probabilities jsonb       not null,
    prunings                integer     not null default 1,
    created_at              timestamptz not null,
    updated_at              timestamptz not null
);
