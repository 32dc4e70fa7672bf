package dev.slabprune.job;

import dev.slabprune.job.queue.Failure;
import dev.slabprune.job.result.JobKind;
import dev.slabprune.job.run.JobParameters;
import dev.slabprune.job.run.Progress;
import java.time.Instant;
import java.util.UUID;

/**
 * A job as the API shows it.
 *
 * @param sourceJobId for a re-pruning, the job whose posterior it prunes; null for a compression
 *     (and once that job is deleted)
 * @param heldOutDatasetId the dataset whose rows give the validation and test splits; null for a
 *     job without one (and once it is deleted)
 * @param parameters what the job runs with, every default resolved
 * @param progress how far it has come; once it ends, its phase says how
 * @param failure why it failed; null unless it failed (or is waiting to retry)
 */
public record JobView(
    UUID id,
    JobKind kind,
    UUID sourceJobId,
    JobState state,
    UUID modelId,
    UUID datasetId,
    UUID heldOutDatasetId,
    JobParameters parameters,
    Progress progress,
    int attempts,
    int maxAttempts,
    boolean cancelRequested,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Failure failure) {}
