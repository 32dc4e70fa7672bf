package dev.slabprune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slabprune.api.Owner;
import dev.slabprune.dataset.DatasetOptions;
import dev.slabprune.dataset.DatasetService;
import dev.slabprune.engine.Posterior;
import dev.slabprune.engine.PosteriorPath;
import dev.slabprune.job.result.JobReport;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.storage.ArtifactStore;
import dev.slabprune.support.Instance;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestDatabase;
import dev.slabprune.support.TestOnnx;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An instance that is stopped (SIGTERM closes its context) while it trains a job checkpoints the
 * job's latest epoch before handing it back, within the shutdown grace; another instance resumes
 * from that checkpoint and ends as an uninterrupted run would.
 */
class GracefulStopTest {

  private static final Duration GRACE = Duration.ofSeconds(20);

  private final List<Instance> instances = new ArrayList<>();
  private final JdbcClient jdbc = JdbcClient.create(TestDatabase.get().pooledDataSource());

  @AfterEach
  void stop() {
    instances.forEach(Instance::close);
  }

  private Instance start(String name) {
    Instance instance =
        Instance.start(
            Map.ofEntries(
                Map.entry("slabprune.worker.enabled", "true"),
                Map.entry("slabprune.worker.workers", "1"),
                Map.entry("slabprune.worker.worker-id", name),
                Map.entry("slabprune.worker.poll-interval", "50ms"),
                Map.entry("slabprune.worker.heartbeat-interval", "100ms"),
                Map.entry("slabprune.worker.heartbeat-timeout", "30s"),
                Map.entry("slabprune.worker.shutdown-grace", GRACE.toSeconds() + "s"),
                // No periodic checkpoint: only the one taken at the stop can exist.
                Map.entry("slabprune.jobs.checkpoint-interval", "1h")));
    instances.add(instance);
    return instance;
  }

  @Test
  void aJobRunningOnAStoppedInstanceIsCheckpointedAndResumesElsewhereAsIfUninterrupted()
      throws Exception {
    // Jobs left open by other test classes must not be claimed by these instances.
    jdbc.sql(
            "update job set state = 'CANCELLED', claimed_by = null, heartbeat_at = null"
                + " where state in ('QUEUED', 'RUNNING')")
        .update();
    Instance stopping = start("stopping");
    Owner owner = new Owner("graceful-" + UUID.randomUUID());
    JobRequest request = request(stopping, owner);
    JobService jobs = stopping.bean(JobService.class);
    UUID interrupted = jobs.create(owner, request).id();

    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> progressEpoch(interrupted) >= 5);
    int seenBeforeStop = progressEpoch(interrupted);
    long begin = System.nanoTime();
    stopping.close();
    Duration stopTook = Duration.ofNanos(System.nanoTime() - begin);

    assertThat(stopTook).as("the stop took").isLessThan(GRACE);
    assertThat(state(interrupted)).isEqualTo("QUEUED");
    assertThat(events(interrupted)).containsExactly("CREATED", "CLAIMED", "RELEASED");
    int checkpointed = checkpointEpoch(interrupted);
    assertThat(checkpointed)
        .as("the checkpoint taken at the stop (the heartbeat had seen epoch %d)", seenBeforeStop)
        .isGreaterThanOrEqualTo(seenBeforeStop - 1)
        .isLessThan(request.settings().epochs());

    Instance survivor = start("survivor");
    JobService survivorJobs = survivor.bean(JobService.class);
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> survivorJobs.get(owner, interrupted).state().isTerminal());
    JobView resumed = survivorJobs.get(owner, interrupted);
    assertThat(resumed.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(resumed.attempts()).as("a hand-back does not count as an attempt").isEqualTo(1);
    assertThat(resumed.progress().resumedFromEpoch()).isEqualTo(checkpointed);
    assertThat(events(interrupted))
        .containsExactly("CREATED", "CLAIMED", "RELEASED", "CLAIMED", "SUCCEEDED");

    UUID straight = survivorJobs.create(owner, request).id();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> survivorJobs.get(owner, straight).state().isTerminal());
    assertThat(survivorJobs.get(owner, straight).state()).isEqualTo(JobState.SUCCEEDED);

    ArtifactStore artifacts = survivor.bean(ArtifactStore.class);
    Posterior a = posterior(artifacts, interrupted);
    Posterior b = posterior(artifacts, straight);
    for (int layer = 0; layer < a.layers(); layer++) {
      assertThat(a.weightPips(layer)).isEqualTo(b.weightPips(layer));
      assertThat(a.biasPips(layer)).isEqualTo(b.biasPips(layer));
    }
    JobReport ra = survivorJobs.report(owner, interrupted);
    JobReport rb = survivorJobs.report(owner, straight);
    assertThat(ra.pruning()).isEqualTo(rb.pruning());
    assertThat(ra.scores().pruned()).isEqualTo(rb.scores().pruned());
  }

  private JobRequest request(Instance instance, Owner owner) {
    byte[] onnx =
        new OnnxModelWriter()
            .write(TeacherData.teacher(), TestOnnx.allInputs("x", "logits", 6, Map.of()));
    UUID model =
        instance
            .bean(ModelService.class)
            .upload(owner, "teacher", "teacher.onnx", () -> new ByteArrayInputStream(onnx))
            .id();
    byte[] csv = TeacherData.dataset(TeacherData.teacher());
    UUID dataset =
        instance
            .bean(DatasetService.class)
            .upload(
                owner,
                "data",
                null,
                new DatasetOptions(null, null, null, null),
                Map.of(
                    "file",
                    new DatasetService.Part("data.csv", () -> new ByteArrayInputStream(csv))))
            .id();
    EngineSettings settings =
        new EngineSettings(
            400, 16, null, null, null, null, 5, null, null, null, null, 1, null, null, null, null,
            null);
    return new JobRequest(model, dataset, settings, 0.1, 0.2, 3L, false, null);
  }

  private int progressEpoch(UUID job) {
    return jdbc.sql("select coalesce((progress->>'epoch')::int, 0) from job where id = ?")
        .param(job)
        .query(Integer.class)
        .single();
  }

  private int checkpointEpoch(UUID job) {
    return jdbc.sql("select coalesce(max(epoch), 0) from job_checkpoint where job_id = ?")
        .param(job)
        .query(Integer.class)
        .single();
  }

  private String state(UUID job) {
    return jdbc.sql("select state from job where id = ?").param(job).query(String.class).single();
  }

  private List<String> events(UUID job) {
    return jdbc.sql("select type from job_event where job_id = ? order by id")
        .param(job)
        .query(String.class)
        .list();
  }

  private Posterior posterior(ArtifactStore artifacts, UUID job) {
    String sha =
        jdbc.sql("select posterior_sha256 from job_result where job_id = ?")
            .param(job)
            .query(String.class)
            .single();
    return PosteriorPath.fromBytes(artifacts.readAllBytes(sha)).posterior();
  }
}
