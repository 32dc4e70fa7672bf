package dev.slabprune.security;

import dev.slabprune.api.Owner;
import dev.slabprune.dataset.DatasetOptions;
import dev.slabprune.dataset.DatasetService;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.job.EngineSettings;
import dev.slabprune.job.JobRequest;
import dev.slabprune.job.JobService;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * What the hostile-request suites run against: a real server (Tomcat decodes and normalises paths
 * before Spring does) with keys for two owners and an admin, and one owner's model, dataset and
 * job, so that a request that slipped through would find something to take.
 */
final class HostileServer {

  /** The admin key; its SHA-256 is configured in {@link #ADMIN_KEYS}. */
  static final String ADMIN = "hostile-admin-key";

  /** The properties of every suite that uses this server, so that they share one context. */
  static final String ADMIN_KEYS =
      "slabprune.security.admin-keys="
          + "6ab488efa2d072bc2be0b27133aaea46927a8c74042760087bf673b5f5e9dfa9";

  /** The ids the suites aim at, all of one owner, and that owner's and another's keys. */
  record Fixture(
      String aliceKey,
      String bobKey,
      UUID bobKeyId,
      UUID model,
      UUID dataset,
      UUID job,
      byte[] onnx,
      byte[] csv) {}

  private HostileServer() {}

  static Fixture fixture(
      ApiKeys keys, ModelService models, DatasetService datasets, JobService jobs) {
    String aliceName = "alice-" + UUID.randomUUID();
    String aliceKey = keys.mint(aliceName).key();
    ApiKeys.Minted bob = keys.mint("bob-" + UUID.randomUUID());
    Owner alice = new Owner(aliceName);
    DenseNetwork teacher = TeacherData.teacher();
    byte[] onnx =
        new OnnxModelWriter().write(teacher, TestOnnx.allInputs("x", "logits", 6, Map.of()));
    byte[] csv = TeacherData.dataset(teacher);
    UUID model = models.upload(alice, "m", "m.onnx", () -> new ByteArrayInputStream(onnx)).id();
    UUID dataset =
        datasets
            .upload(
                alice,
                "d",
                null,
                new DatasetOptions(null, null, null, null),
                Map.of(
                    "file", new DatasetService.Part("d.csv", () -> new ByteArrayInputStream(csv))))
            .id();
    UUID job =
        jobs.create(
                alice,
                new JobRequest(
                    model,
                    dataset,
                    new EngineSettings(
                        2, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null),
                    null,
                    null,
                    1L,
                    null,
                    null))
            .id();
    return new Fixture(aliceKey, bob.key(), bob.id(), model, dataset, job, onnx, csv);
  }

  static String sha256(String key) {
    return ApiKeys.sha256(key);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
