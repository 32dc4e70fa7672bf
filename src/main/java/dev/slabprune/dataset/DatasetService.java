package dev.slabprune.dataset;

import dev.slabprune.api.BadInputException;
import dev.slabprune.api.ConflictException;
import dev.slabprune.api.NotFoundException;
import dev.slabprune.api.Owner;
import dev.slabprune.api.PageRequests;
import dev.slabprune.api.PageView;
import dev.slabprune.config.LimitsProperties;
import dev.slabprune.dataset.format.CsvDatasetReader;
import dev.slabprune.dataset.format.DatasetLimits;
import dev.slabprune.dataset.format.DatasetSummary;
import dev.slabprune.dataset.format.ExpectedShape;
import dev.slabprune.dataset.format.IdxDatasetReader;
import dev.slabprune.dataset.format.NpyDatasetReader;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.storage.AfterCommit;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactContent;
import dev.slabprune.storage.ArtifactStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.io.InputStreamSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Uploaded datasets: validated as they stream in, kept as their original files. */
@Service
public class DatasetService {

  /** One uploaded part: the name it came with and its bytes. */
  public record Part(String fileName, InputStreamSource content) {}

  private final DatasetRepository datasets;
  private final ArtifactStore artifacts;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;
  private final Counter uploadedBytes;
  private final DatasetLimits limits;

  public DatasetService(
      DatasetRepository datasets,
      ArtifactStore artifacts,
      JdbcClient jdbc,
      JsonMapper json,
      Clock clock,
      MeterRegistry registry,
      LimitsProperties limits) {
    this.limits =
        new DatasetLimits(
            limits.maxRows(), limits.maxFeatures(), limits.maxDatasetBytes(), limits.maxClasses());
    this.uploadedBytes =
        Counter.builder("slabprune.upload.bytes")
            .description("Bytes uploaded")
            .tag("kind", "dataset")
            .register(registry);
    this.datasets = datasets;
    this.artifacts = artifacts;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Parses the parts (refusing what cannot be read, with the place named) and stores them.
   *
   * @param format null to infer from the parts and file names
   * @param parts by part name: {@code file}, {@code images}, {@code features}, {@code labels}
   */
  public DatasetView upload(
      Owner owner,
      String name,
      DatasetFormat format,
      DatasetOptions options,
      Map<String, Part> parts) {
    DatasetFormat chosen = format != null ? format : infer(parts);
    List<String> needed = Arrays.asList(chosen.parts());
    List<BadInputException.Violation> problems = new ArrayList<>();
    for (String part : needed) {
      if (!parts.containsKey(part)) {
        problems.add(new BadInputException.Violation(part, "is required for " + chosen));
      }
    }
    for (String part : parts.keySet()) {
      if (!needed.contains(part)) {
        problems.add(new BadInputException.Violation(part, "is not used by " + chosen));
      }
    }
    if (!problems.isEmpty()) {
      throw new BadInputException(
          "dataset-parts",
          "Wrong dataset parts",
          chosen
              + " takes the multipart parts "
              + String.join(" and ", needed)
              + "; see errors for what was sent.",
          400,
          problems,
          null);
    }
    Map<String, Part> ordered = new LinkedHashMap<>();
    needed.forEach(part -> ordered.put(part, parts.get(part)));
    Stored stored = validateAndStore(chosen, options, ordered);
    DatasetSummary summary = stored.summary();
    if (summary.features() == 0) {
      throw new BadInputException(
          "dataset-no-features",
          "No features",
          "The dataset has rows but no feature values (images of 0x0 pixels or an array of"
              + " shape (n, 0)). Upload the features the model takes.");
    }
    List<DatasetFile> files = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, Part> part : ordered.entrySet()) {
      Artifact artifact = stored.artifacts().get(index++);
      uploadedBytes.increment(artifact.sizeBytes());
      files.add(
          new DatasetFile(
              part.getKey(), part.getValue().fileName(), files.size(), artifact.sha256()));
    }
    String shown =
        name == null || name.isBlank()
            ? ordered.values().iterator().next().fileName()
            : name.strip();
    DatasetEntity entity =
        datasets.save(
            new DatasetEntity(
                UUID.randomUUID(),
                owner.name(),
                shown,
                chosen,
                json.writeValueAsString(options),
                json.writeValueAsString(DatasetSummaryView.of(summary)),
                files,
                clock.instant()));
    return view(entity);
  }

  @Transactional(readOnly = true)
  public DatasetView get(Owner owner, UUID id) {
    return view(find(owner, id));
  }

  @Transactional(readOnly = true)
  public PageView<DatasetView> list(Owner owner, int page, int size) {
    return PageView.of(
        datasets.findByOwner(owner.name(), PageRequests.newestFirst(page, size)), this::view);
  }

  /** The stored bytes of one uploaded part. */
  public record Content(Artifact artifact, String fileName) {}

  @Transactional(readOnly = true)
  public Content content(Owner owner, UUID id, String role) {
    DatasetEntity entity = find(owner, id);
    DatasetFile file =
        entity.getFiles().stream()
            .filter(f -> role == null || f.getRole().equals(role))
            .findFirst()
            .orElseThrow(() -> new NotFoundException("dataset file", id + "/" + role));
    return new Content(artifacts.get(file.getArtifactSha256()), file.getFileName());
  }

  /** Deletes the dataset unless a queued or running job uses it. */
  @Transactional
  public void delete(Owner owner, UUID id) {
    DatasetEntity entity = find(owner, id);
    long active =
        jdbc.sql(
                """
                select count(*) from job
                where (dataset_id = :id or held_out_dataset_id = :id)
                  and state in ('QUEUED', 'RUNNING')
                """)
            .param("id", entity.getId())
            .query(Long.class)
            .single();
    if (active > 0) {
      throw ConflictException.inUse("dataset", id, active);
    }
    datasets.delete(entity);
    List<String> files = entity.getFiles().stream().map(DatasetFile::getArtifactSha256).toList();
    AfterCommit.run(() -> files.forEach(artifacts::deleteIfUnreferenced));
  }

  /** An upload's summary and its parts' artifacts, in the order of the parts. */
  private record Stored(DatasetSummary summary, List<Artifact> artifacts) {}

  /**
   * Reads the parts once: each byte goes to the reader, which validates and summarises without
   * keeping the values, and on into the artifact store as it passes. The artifacts are committed
   * only when the whole dataset was valid; what the reader leaves unread (bytes after the last
   * value the format needs) is stored too, so the artifact is the file as it was sent.
   */
  private Stored validateAndStore(
      DatasetFormat format, DatasetOptions options, Map<String, Part> parts) {
    List<InputStream> open = new ArrayList<>();
    try (ArtifactStore.Batch batch = artifacts.batch()) {
      List<TeeInputStream> tees = new ArrayList<>();
      for (Part part : parts.values()) {
        InputStream in = part.content().getInputStream();
        open.add(in);
        tees.add(new TeeInputStream(in, batch.add(mediaType(format))));
      }
      InputStream first = tees.get(0);
      InputStream second = tees.size() > 1 ? tees.get(1) : null;
      DatasetSummary summary =
          switch (format) {
            case CSV -> new CsvDatasetReader(limits).summarise(first, options.csv());
            case IDX -> new IdxDatasetReader(limits).summarise(first, second);
            case NPY -> new NpyDatasetReader(limits).summarise(first, second, options.task());
            case NPZ -> new NpyDatasetReader(limits).summariseNpz(first, options.task());
          };
      for (TeeInputStream tee : tees) {
        tee.drain();
      }
      return new Stored(summary, batch.commit());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the upload", e);
    } finally {
      for (InputStream in : open) {
        try {
          in.close();
        } catch (IOException ignored) {
          // a part's temporary file; nothing more is read from it
        }
      }
    }
  }

  /**
   * Reads a stored dataset again, exactly as its upload was read, for a job's worker. The shape
   * found at upload sizes the arrays, so each is allocated once.
   */
  @Transactional(readOnly = true)
  public ParsedDataset parse(UUID id) {
    DatasetEntity entity =
        datasets.findById(id).orElseThrow(() -> new NotFoundException("dataset", id.toString()));
    DatasetOptions options = json.readValue(entity.getOptions(), DatasetOptions.class);
    DatasetSummaryView summary = json.readValue(entity.getSummary(), DatasetSummaryView.class);
    ExpectedShape expected = new ExpectedShape(summary.rows(), summary.features());
    List<ArtifactContent> open = new ArrayList<>();
    try {
      List<InputStreamSource> sources = new ArrayList<>();
      for (DatasetFile file : entity.getFiles()) {
        ArtifactContent content = artifacts.open(file.getArtifactSha256());
        open.add(content);
        sources.add(content::stream);
      }
      return parse(entity.getFormat(), options, sources, expected);
    } finally {
      for (ArtifactContent content : open) {
        try {
          content.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** Whether the dataset's upload named its task, rather than leaving the reader to infer it. */
  @Transactional(readOnly = true)
  public boolean taskGiven(Owner owner, UUID id) {
    return json.readValue(find(owner, id).getOptions(), DatasetOptions.class).task() != null;
  }

  /** The summary a dataset was parsed as at upload. */
  @Transactional(readOnly = true)
  public DatasetSummaryView summary(Owner owner, UUID id) {
    return json.readValue(find(owner, id).getSummary(), DatasetSummaryView.class);
  }

  private ParsedDataset parse(
      DatasetFormat format,
      DatasetOptions options,
      List<InputStreamSource> sources,
      ExpectedShape expected) {
    try (InputStream first = sources.get(0).getInputStream();
        InputStream second = sources.size() > 1 ? sources.get(1).getInputStream() : null) {
      return switch (format) {
        case CSV -> new CsvDatasetReader(limits).read(first, options.csv(), expected);
        case IDX -> new IdxDatasetReader(limits).read(first, second, expected);
        case NPY -> new NpyDatasetReader(limits).read(first, second, options.task(), expected);
        case NPZ -> new NpyDatasetReader(limits).readNpz(first, options.task(), expected);
      };
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the dataset", e);
    }
  }

  private static DatasetFormat infer(Map<String, Part> parts) {
    if (parts.containsKey("images")) {
      return DatasetFormat.IDX;
    }
    if (parts.containsKey("features")) {
      return DatasetFormat.NPY;
    }
    Part file = parts.get("file");
    if (file == null) {
      throw new BadInputException(
          "dataset-parts",
          "No dataset file",
          "Send a CSV or NPZ file as the part 'file', IDX files as 'images' and 'labels', or NPY"
              + " files as 'features' and 'labels'.");
    }
    return file.fileName().toLowerCase(Locale.ROOT).endsWith(".npz")
        ? DatasetFormat.NPZ
        : DatasetFormat.CSV;
  }

  private static String mediaType(DatasetFormat format) {
    return switch (format) {
      case CSV -> "text/csv";
      case NPZ -> "application/zip";
      default -> "application/octet-stream";
    };
  }

  private DatasetEntity find(Owner owner, UUID id) {
    return datasets
        .findByIdAndOwner(id, owner.name())
        .orElseThrow(() -> new NotFoundException("dataset", id.toString()));
  }

  private DatasetView view(DatasetEntity entity) {
    List<DatasetView.FileView> files =
        entity.getFiles().stream()
            .map(
                f -> {
                  Artifact artifact = artifacts.get(f.getArtifactSha256());
                  return new DatasetView.FileView(
                      f.getRole(), f.getFileName(), artifact.sha256(), artifact.sizeBytes());
                })
            .toList();
    return new DatasetView(
        entity.getId(),
        entity.getName(),
        entity.getFormat(),
        files,
        entity.getCreatedAt(),
        json.readValue(entity.getSummary(), DatasetSummaryView.class));
  }
}
