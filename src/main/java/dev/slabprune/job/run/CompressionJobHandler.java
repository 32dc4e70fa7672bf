package dev.slabprune.job.run;

import dev.slabprune.api.BadInputException;
import dev.slabprune.api.NotFoundException;
import dev.slabprune.job.queue.ClaimedJob;
import dev.slabprune.job.queue.Completion;
import dev.slabprune.job.queue.JobContext;
import dev.slabprune.job.queue.JobFailedException;
import dev.slabprune.job.queue.JobHandler;
import dev.slabprune.job.queue.JobStoppedException;
import dev.slabprune.job.result.JobKind;
import dev.slabprune.job.result.JobResults;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a claimed job through the {@link CompressionPipeline}, by its kind, and hands back what
 * stores its result, or removes what it wrote when the worker lost the job. Input that can never
 * succeed fails the job at once.
 */
@Component
public class CompressionJobHandler implements JobHandler {

  private final CompressionPipeline pipeline;
  private final JobResults results;
  private final JsonMapper json;
  private final Clock clock;
  private final RunMetrics metrics;

  public CompressionJobHandler(
      CompressionPipeline pipeline,
      JobResults results,
      JsonMapper json,
      Clock clock,
      RunMetrics metrics) {
    this.pipeline = pipeline;
    this.results = results;
    this.json = json;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public Completion run(ClaimedJob job, JobContext context) {
    Instant start = clock.instant();
    String outcome = "failed";
    try {
      CompressionPipeline.Output output = output(job, context);
      outcome = "finished";
      return new Completion() {
        @Override
        public void store() {
          results.store(
              job.id(),
              output.pruned().sha256(),
              output.posteriorSha256(),
              output.report(),
              output.inclusionProbabilities());
        }

        @Override
        public void discard() {
          if (output.ownsPosterior()) {
            results.discard(output.pruned().sha256(), output.posteriorSha256());
          } else {
            results.discard(output.pruned().sha256());
          }
        }
      };
    } catch (JobStoppedException e) {
      outcome = "stopped";
      throw e;
    } finally {
      metrics.jobRan(Duration.between(start, clock.instant()), outcome);
    }
  }

  private CompressionPipeline.Output output(ClaimedJob job, JobContext context) {
    JobParameters parameters;
    try {
      parameters = json.readValue(job.parameters(), JobParameters.class);
    } catch (JacksonException e) {
      throw JobFailedException.permanent(
          "job-parameters-unreadable",
          "Job parameters unreadable",
          "The job's stored parameters are not what this version of the service runs with: "
              + e.getOriginalMessage()
              + ". Start the job again.",
          e);
    }
    try {
      return switch (JobKind.ofColumn(job.kind())) {
        case COMPRESSION -> pipeline.compress(job, parameters, context);
        case REPRUNE -> pipeline.reprune(job, parameters, context);
      };
    } catch (BadInputException e) {
      throw JobFailedException.permanent(e.slug(), e.title(), e.getMessage(), e);
    } catch (NotFoundException e) {
      throw JobFailedException.permanent(
          "job-input-deleted",
          "Input deleted",
          e.getMessage() + " The job's input was deleted while it ran.",
          e);
    }
  }
}
