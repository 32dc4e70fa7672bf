package dev.slabprune.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import dev.slabprune.dataset.format.IdxDatasetReader;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.storage.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;

/**
 * An upload is read once: validated as its bytes pass on into the artifact store, which keeps them
 * only when the whole dataset is valid.
 */
@SpringBootTest
@AutoConfigureMockMvc
class UploadStorageTest {

  @Autowired MockMvc mvc;
  @Autowired ArtifactStore artifacts;
  @Autowired DatasetService datasets;
  @Autowired JdbcClient jdbc;

  private static byte[] resource(String name) throws Exception {
    try (var in = UploadStorageTest.class.getResourceAsStream("/datasets/" + name)) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void theStoredFilesAreTheBytesSentIncludingWhatFollowsTheDataAndAJobReadsTheSameDataset()
      throws Exception {
    byte[] images = resource("tiny-images-idx3-ubyte");
    byte[] labels = resource("tiny-labels-idx1-ubyte");
    // bytes after the last label: not read by the format, kept as part of the file
    byte[] labelsWithTail = Arrays.copyOf(labels, labels.length + 100_000);
    Arrays.fill(labelsWithTail, labels.length, labelsWithTail.length, (byte) 7);

    String body =
        mvc.perform(
                multipart("/api/v1/datasets")
                    .file(new MockMultipartFile("images", "i", "application/octet-stream", images))
                    .file(
                        new MockMultipartFile(
                            "labels", "l", "application/octet-stream", labelsWithTail)))
            .andExpect(status().isCreated())
            .andExpect(jsonPath("$.files[0].sha256").value(sha256(images)))
            .andExpect(jsonPath("$.files[1].sha256").value(sha256(labelsWithTail)))
            .andExpect(jsonPath("$.files[1].sizeBytes").value(labelsWithTail.length))
            .andReturn()
            .getResponse()
            .getContentAsString();
    String id = JsonPath.read(body, "$.id");

    String labelsSha = JsonPath.read(body, "$.files[1].sha256");
    byte[] downloaded = artifacts.readAllBytes(labelsSha);
    assertThat(downloaded).isEqualTo(labelsWithTail);

    ParsedDataset direct =
        new IdxDatasetReader()
            .read(new ByteArrayInputStream(images), new ByteArrayInputStream(labels));
    ParsedDataset forJob = datasets.parse(UUID.fromString(id));
    assertThat(forJob.x()).isEqualTo(direct.x());
    assertThat(forJob.labels()).isEqualTo(direct.labels());
    assertThat(forJob.classes()).isEqualTo(direct.classes());
  }

  @Test
  void aRefusedUploadLeavesNeitherArtifactsNorLargeObjects() throws Exception {
    byte[] images = resource("tiny-images-idx3-ubyte");
    byte[] labels = resource("tiny-labels-idx1-ubyte");
    // distinct bytes, so that no other test stored them, and a labels file cut short
    byte[] distinctImages = Arrays.copyOf(images, images.length + 3);
    distinctImages[distinctImages.length - 1] = 42;
    byte[] cut = Arrays.copyOf(labels, labels.length - 1);
    long objectsBefore = largeObjects();

    mvc.perform(
            multipart("/api/v1/datasets")
                .file(
                    new MockMultipartFile(
                        "images", "i", "application/octet-stream", distinctImages))
                .file(new MockMultipartFile("labels", "l", "application/octet-stream", cut)))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/dataset-truncated"));

    assertThat(artifacts.find(sha256(distinctImages))).isEmpty();
    assertThat(artifacts.find(sha256(cut))).isEmpty();
    assertThat(largeObjects()).isEqualTo(objectsBefore);
  }

  private long largeObjects() {
    return jdbc.sql("select count(*) from pg_largeobject_metadata").query(Long.class).single();
  }
}
