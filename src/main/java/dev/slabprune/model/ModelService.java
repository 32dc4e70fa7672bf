package dev.slabprune.model;

import dev.slabprune.api.ConflictException;
import dev.slabprune.api.NotFoundException;
import dev.slabprune.api.Owner;
import dev.slabprune.api.PageRequests;
import dev.slabprune.api.PageView;
import dev.slabprune.config.LimitsProperties;
import dev.slabprune.model.format.OnnxLimits;
import dev.slabprune.model.format.OnnxModel;
import dev.slabprune.model.format.OnnxModelReader;
import dev.slabprune.storage.AfterCommit;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.UUID;
import org.springframework.core.io.InputStreamSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Uploaded networks: parsed on the way in, kept as their original bytes. */
@Service
public class ModelService {

  public static final String MEDIA_TYPE = "application/onnx";

  private final ModelRepository models;
  private final ArtifactStore artifacts;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;
  private final Counter uploadedBytes;
  private final OnnxModelReader reader;

  public ModelService(
      ModelRepository models,
      ArtifactStore artifacts,
      JdbcClient jdbc,
      JsonMapper json,
      Clock clock,
      MeterRegistry registry,
      LimitsProperties limits) {
    this.reader =
        new OnnxModelReader(
            new OnnxLimits(
                limits.maxModelBytes(),
                limits.maxModelNodes(),
                limits.maxLayerWidth(),
                limits.maxTensorElements()),
            null);
    this.uploadedBytes =
        Counter.builder("slabprune.upload.bytes")
            .description("Bytes uploaded")
            .tag("kind", "model")
            .register(registry);
    this.models = models;
    this.artifacts = artifacts;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Parses the upload (refusing what is not a supported network) and stores it.
   *
   * @throws dev.slabprune.model.format.ModelFormatException when the file is not a supported
   *     network
   */
  public ModelView upload(Owner owner, String name, String fileName, InputStreamSource content) {
    OnnxModel parsed;
    try (InputStream in = content.getInputStream()) {
      parsed = reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the upload", e);
    }
    Artifact artifact;
    try (InputStream in = content.getInputStream()) {
      artifact = artifacts.store(in, MEDIA_TYPE);
      uploadedBytes.increment(artifact.sizeBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the upload", e);
    }
    ModelSummaryView summary =
        ModelSummaryView.of(parsed.summary(), parsed.network().architecture());
    String shown = name == null || name.isBlank() ? fileName : name.strip();
    ModelEntity entity =
        models.save(
            new ModelEntity(
                UUID.randomUUID(),
                owner.name(),
                shown,
                fileName,
                artifact.sha256(),
                json.writeValueAsString(summary),
                clock.instant()));
    return view(entity, artifact);
  }

  @Transactional(readOnly = true)
  public ModelView get(Owner owner, UUID id) {
    ModelEntity entity = find(owner, id);
    return view(entity, artifacts.get(entity.getArtifactSha256()));
  }

  @Transactional(readOnly = true)
  public PageView<ModelView> list(Owner owner, int page, int size) {
    return PageView.of(
        models.findByOwner(owner.name(), PageRequests.newestFirst(page, size)),
        entity -> view(entity, artifacts.get(entity.getArtifactSha256())));
  }

  /** The stored bytes of a model and the name it was uploaded under. */
  public record Content(Artifact artifact, String fileName) {}

  @Transactional(readOnly = true)
  public Content content(Owner owner, UUID id) {
    ModelEntity entity = find(owner, id);
    return new Content(artifacts.get(entity.getArtifactSha256()), entity.getFileName());
  }

  /** Deletes the model unless a queued or running job uses it. */
  @Transactional
  public void delete(Owner owner, UUID id) {
    ModelEntity entity = find(owner, id);
    long active =
        jdbc.sql("select count(*) from job where model_id = ? and state in ('QUEUED', 'RUNNING')")
            .param(entity.getId())
            .query(Long.class)
            .single();
    if (active > 0) {
      throw ConflictException.inUse("model", id, active);
    }
    models.delete(entity);
    String sha = entity.getArtifactSha256();
    AfterCommit.run(() -> artifacts.deleteIfUnreferenced(sha));
  }

  /** The parsed network of a model, for the worker that runs a job on it. */
  public OnnxModel network(UUID id) {
    ModelEntity entity =
        models.findById(id).orElseThrow(() -> new NotFoundException("model", id.toString()));
    return reader.read(artifacts.readAllBytes(entity.getArtifactSha256()));
  }

  /** Bytes of the uploaded ONNX file, for size comparisons in reports. */
  @Transactional(readOnly = true)
  public long uploadedSize(UUID id) {
    return models
        .findById(id)
        .map(entity -> artifacts.get(entity.getArtifactSha256()).sizeBytes())
        .orElse(0L);
  }

  private ModelEntity find(Owner owner, UUID id) {
    return models
        .findByIdAndOwner(id, owner.name())
        .orElseThrow(() -> new NotFoundException("model", id.toString()));
  }

  private ModelView view(ModelEntity entity, Artifact artifact) {
    return new ModelView(
        entity.getId(),
        entity.getName(),
        artifact.sha256(),
        artifact.sizeBytes(),
        entity.getCreatedAt(),
        json.readValue(entity.getSummary(), ModelSummaryView.class));
  }
}
