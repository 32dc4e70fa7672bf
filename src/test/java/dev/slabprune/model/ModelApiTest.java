package dev.slabprune.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import dev.slabprune.support.TestOnnx;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

@SpringBootTest
@AutoConfigureMockMvc
class ModelApiTest {

  @Autowired MockMvc mvc;
  @Autowired dev.slabprune.storage.ArtifactStore artifacts;

  static byte[] golden(String name) throws Exception {
    try (var in = ModelApiTest.class.getResourceAsStream("/onnx/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void anUploadedModelIsParsedStoredListedDownloadedAndDeleted() throws Exception {
    byte[] onnx = golden("float_data_mlp.onnx");

    MvcResult created =
        mvc.perform(
                multipart("/api/v1/models")
                    .file(
                        new MockMultipartFile("file", "mlp.onnx", "application/octet-stream", onnx))
                    .param("name", "my mlp"))
            .andExpect(status().isCreated())
            .andExpect(
                header().string("Location", org.hamcrest.Matchers.startsWith("/api/v1/models/")))
            .andExpect(jsonPath("$.name").value("my mlp"))
            .andExpect(jsonPath("$.sizeBytes").value(onnx.length))
            .andExpect(jsonPath("$.summary.layers").isArray())
            .andExpect(jsonPath("$.summary.architecture[0]").isNumber())
            .andExpect(jsonPath("$.summary.parameterCount").isNumber())
            .andExpect(jsonPath("$.summary.outputKind").isString())
            .andReturn();
    String id = JsonPath.read(created.getResponse().getContentAsString(), "$.id");
    String sha = JsonPath.read(created.getResponse().getContentAsString(), "$.sha256");

    mvc.perform(get("/api/v1/models/" + id))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.id").value(id))
        .andExpect(jsonPath("$.createdAt").isString());
    mvc.perform(get("/api/v1/models").param("size", "200"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.items[?(@.id == '" + id + "')]").exists())
        .andExpect(jsonPath("$.page").value(0));
    MvcResult download =
        mvc.perform(get("/api/v1/models/" + id + "/content"))
            .andExpect(status().isOk())
            .andExpect(header().string("ETag", "\"" + sha + "\""))
            .andExpect(
                header()
                    .string(
                        "Content-Disposition", org.hamcrest.Matchers.containsString("mlp.onnx")))
            .andReturn();
    mvc.perform(
            org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch(
                download))
        .andExpect(status().isOk());
    assertThat(download.getResponse().getContentAsByteArray()).isEqualTo(onnx);
    mvc.perform(get("/api/v1/models/" + id + "/content").header("If-None-Match", "\"" + sha + "\""))
        .andExpect(status().isNotModified());

    mvc.perform(delete("/api/v1/models/" + id)).andExpect(status().isNoContent());
    mvc.perform(get("/api/v1/models/" + id))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.type").value("/problems/not-found"));
  }

  @Test
  void deletingAModelRemovesItsBytesUnlessAnotherModelHasTheSame() throws Exception {
    byte[] onnx =
        new dev.slabprune.model.format.OnnxModelWriter()
            .write(
                dev.slabprune.support.TeacherData.teacher(),
                TestOnnx.allInputs(
                    "x", "y", 6, java.util.Map.of("nonce", UUID.randomUUID().toString())));
    String first = uploadId(onnx);
    String second = uploadId(onnx);
    String sha =
        JsonPath.read(
            mvc.perform(get("/api/v1/models/" + first))
                .andReturn()
                .getResponse()
                .getContentAsString(),
            "$.sha256");

    mvc.perform(delete("/api/v1/models/" + first)).andExpect(status().isNoContent());
    assertThat(artifacts.find(sha)).as("still used by the second model").isPresent();
    mvc.perform(delete("/api/v1/models/" + second)).andExpect(status().isNoContent());
    assertThat(artifacts.find(sha)).as("no model uses the bytes any more").isEmpty();
  }

  private String uploadId(byte[] onnx) throws Exception {
    return JsonPath.read(
        mvc.perform(
                multipart("/api/v1/models")
                    .file(
                        new MockMultipartFile("file", "m.onnx", "application/octet-stream", onnx)))
            .andExpect(status().isCreated())
            .andReturn()
            .getResponse()
            .getContentAsString(),
        "$.id");
  }

  @Test
  void aFileThatIsNotAModelIsRefusedWithAProblem() throws Exception {
    mvc.perform(
            multipart("/api/v1/models")
                .file(
                    new MockMultipartFile(
                        "file",
                        "notes.onnx",
                        "text/plain",
                        "hello".getBytes(StandardCharsets.UTF_8))))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value(org.hamcrest.Matchers.startsWith("/problems/")))
        .andExpect(jsonPath("$.detail").isString());
  }

  @Test
  void anUploadWithoutAFileSaysWhichPartToSend() throws Exception {
    mvc.perform(multipart("/api/v1/models").param("name", "x"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/missing-file"))
        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("'file'")));
  }

  @Test
  void unknownAndMalformedIdsAreProblems() throws Exception {
    mvc.perform(get("/api/v1/models/" + UUID.randomUUID()))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.resource").value("model"));
    mvc.perform(get("/api/v1/models/not-a-uuid"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/invalid-request"));
    mvc.perform(delete("/api/v1/models/" + UUID.randomUUID())).andExpect(status().isNotFound());
  }

  @Test
  void pagingOutOfRangeIsABadRequest() throws Exception {
    mvc.perform(get("/api/v1/models").param("size", "0"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/invalid-paging"));
  }
}
