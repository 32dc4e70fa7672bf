package dev.slabprune.dataset;

import dev.slabprune.api.BadInputException;
import dev.slabprune.api.CurrentOwner;
import dev.slabprune.api.Downloads;
import dev.slabprune.api.PageView;
import dev.slabprune.api.Uploads;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.storage.ArtifactStore;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@ConditionalOnProperty(name = "slabprune.api.enabled", havingValue = "true", matchIfMissing = true)
@RequestMapping("/api/v1/datasets")
class DatasetController {

  private final DatasetService datasets;
  private final ArtifactStore artifacts;
  private final CurrentOwner owner;

  DatasetController(DatasetService datasets, ArtifactStore artifacts, CurrentOwner owner) {
    this.datasets = datasets;
    this.artifacts = artifacts;
    this.owner = owner;
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<DatasetView> upload(
      MultipartHttpServletRequest request,
      @RequestParam(name = "name", required = false) String name,
      @RequestParam(name = "format", required = false) String format,
      @RequestParam(name = "task", required = false) String task,
      @RequestParam(name = "target", required = false) String target,
      @RequestParam(name = "header", required = false) Boolean header,
      @RequestParam(name = "delimiter", required = false) String delimiter) {
    Map<String, DatasetService.Part> parts = new LinkedHashMap<>();
    for (Map.Entry<String, MultipartFile> file : request.getFileMap().entrySet()) {
      // An empty part is passed on, so the reader can say that the file is empty.
      parts.put(
          file.getKey(),
          new DatasetService.Part(
              Uploads.fileName(file.getValue(), file.getKey()), file.getValue()::getInputStream));
    }
    Uploads.checkName(name);
    Uploads.checkText("target", target);
    if (delimiter != null && delimiter.length() != 1) {
      throw new BadInputException(
          "invalid-delimiter",
          "Invalid delimiter",
          "delimiter must be one character, such as ',' or ';' (send %09 for a tab).");
    }
    DatasetOptions options =
        new DatasetOptions(
            parseEnum(Task.class, "task", task),
            target,
            header,
            delimiter == null ? null : delimiter.charAt(0));
    DatasetView dataset =
        datasets.upload(
            owner.get(), name, parseEnum(DatasetFormat.class, "format", format), options, parts);
    return ResponseEntity.created(URI.create("/api/v1/datasets/" + dataset.id())).body(dataset);
  }

  @GetMapping
  PageView<DatasetView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    return datasets.list(owner.get(), page, size);
  }

  @GetMapping("/{id}")
  DatasetView get(@PathVariable UUID id) {
    return datasets.get(owner.get(), id);
  }

  @GetMapping("/{id}/content")
  ResponseEntity<StreamingResponseBody> content(
      @PathVariable UUID id,
      @RequestParam(name = "file", required = false) String file,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    DatasetService.Content content = datasets.content(owner.get(), id, file);
    return Downloads.attachment(artifacts, content.artifact(), content.fileName(), ifNoneMatch);
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable UUID id) {
    datasets.delete(owner.get(), id);
    return ResponseEntity.noContent().build();
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "invalid-" + field,
          "Invalid " + field,
          field
              + " '"
              + value
              + "' is not one of "
              + java.util.Arrays.toString(type.getEnumConstants())
              + ".");
    }
  }
}
