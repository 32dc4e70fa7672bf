package dev.slabprune.model;

import dev.slabprune.api.BadInputException;
import dev.slabprune.api.CurrentOwner;
import dev.slabprune.api.Downloads;
import dev.slabprune.api.PageView;
import dev.slabprune.api.Uploads;
import dev.slabprune.storage.ArtifactStore;
import java.net.URI;
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
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@ConditionalOnProperty(name = "slabprune.api.enabled", havingValue = "true", matchIfMissing = true)
@RequestMapping("/api/v1/models")
class ModelController {

  private final ModelService models;
  private final ArtifactStore artifacts;
  private final CurrentOwner owner;

  ModelController(ModelService models, ArtifactStore artifacts, CurrentOwner owner) {
    this.models = models;
    this.artifacts = artifacts;
    this.owner = owner;
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<ModelView> upload(
      @RequestPart(name = "file", required = false) MultipartFile file,
      @RequestParam(name = "name", required = false) String name) {
    if (file == null || file.isEmpty()) {
      throw new BadInputException(
          "missing-file",
          "No model file",
          "Send the ONNX model as the multipart part named 'file', for example"
              + " curl -F file=@model.onnx .../api/v1/models.");
    }
    Uploads.checkName(name);
    ModelView model =
        models.upload(
            owner.get(), name, Uploads.fileName(file, "model.onnx"), file::getInputStream);
    return ResponseEntity.created(URI.create("/api/v1/models/" + model.id())).body(model);
  }

  @GetMapping
  PageView<ModelView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    return models.list(owner.get(), page, size);
  }

  @GetMapping("/{id}")
  ModelView get(@PathVariable UUID id) {
    return models.get(owner.get(), id);
  }

  @GetMapping("/{id}/content")
  ResponseEntity<StreamingResponseBody> content(
      @PathVariable UUID id,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    ModelService.Content content = models.content(owner.get(), id);
    return Downloads.attachment(artifacts, content.artifact(), content.fileName(), ifNoneMatch);
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable UUID id) {
    models.delete(owner.get(), id);
    return ResponseEntity.noContent().build();
  }
}
