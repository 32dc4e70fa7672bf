package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import dev.slabprune.api.CurrentOwner;
import dev.slabprune.api.Downloads;
import dev.slabprune.api.PageView;
import dev.slabprune.job.result.InclusionProbabilities;
import dev.slabprune.job.result.JobReport;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@ConditionalOnProperty(name = "slabprune.api.enabled", havingValue = "true", matchIfMissing = true)
@RequestMapping("/api/v1/jobs")
class JobController {

  private final JobService jobs;
  private final JobEvents events;
  private final ArtifactStore artifacts;
  private final CurrentOwner owner;

  JobController(JobService jobs, JobEvents events, ArtifactStore artifacts, CurrentOwner owner) {
    this.jobs = jobs;
    this.events = events;
    this.artifacts = artifacts;
    this.owner = owner;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<JobView> create(@RequestBody JobRequest request) {
    JobView job = jobs.create(owner.get(), request);
    return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id())).body(job);
  }

  @GetMapping
  PageView<JobView> list(
      @RequestParam(required = false) String state,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    return jobs.list(owner.get(), state(state), page, size);
  }

  @GetMapping("/{id}")
  JobView get(@PathVariable UUID id) {
    return jobs.get(owner.get(), id);
  }

  @PostMapping("/{id}/cancel")
  ResponseEntity<JobView> cancel(@PathVariable UUID id) {
    return ResponseEntity.accepted().body(jobs.cancel(owner.get(), id));
  }

  @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(@PathVariable UUID id) {
    return events.follow(owner.get(), id);
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable UUID id) {
    jobs.delete(owner.get(), id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{id}/report")
  JobReport report(@PathVariable UUID id) {
    return jobs.report(owner.get(), id);
  }

  @GetMapping("/{id}/inclusion-probabilities")
  InclusionProbabilities inclusionProbabilities(@PathVariable UUID id) {
    return jobs.inclusionProbabilities(owner.get(), id);
  }

  @GetMapping("/{id}/inclusion-probabilities/weights.npy")
  ResponseEntity<byte[]> weightPips(@PathVariable UUID id, @RequestParam int layer) {
    byte[] npy = jobs.weightPips(owner.get(), id, layer);
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment()
                .filename("job-" + id + "-layer-" + layer + "-weight-pips.npy")
                .build()
                .toString())
        .body(npy);
  }

  @GetMapping("/{id}/artifact")
  ResponseEntity<StreamingResponseBody> artifact(
      @PathVariable UUID id,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    Artifact artifact = jobs.artifact(owner.get(), id);
    return Downloads.attachment(artifacts, artifact, "pruned-" + id + ".onnx", ifNoneMatch);
  }

  @PostMapping(path = "/{id}/reprune", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<JobView> reprune(@PathVariable UUID id, @RequestBody PruningRequest request) {
    JobView job = jobs.reprune(owner.get(), id, request);
    return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id())).body(job);
  }

  private static JobState state(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return JobState.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "invalid-state",
          "Invalid state",
          "state '"
              + value
              + "' is not one of "
              + java.util.Arrays.toString(JobState.values())
              + ".");
    }
  }
}
