-- A compression job may name a second dataset of its owner: rows the uploaded network never saw,
-- which give the job's validation and test splits. Like dataset_id, it cannot be deleted while a
-- queued or running job uses it; deleting it later leaves the job and its result, and clears the
-- link (a re-pruning then cannot rebuild the job's splits, and is refused).
alter table job add column held_out_dataset_id uuid references dataset (id) on delete set null;
create index job_held_out_dataset_idx on job (held_out_dataset_id)
    where held_out_dataset_id is not null;
