package dev.slabprune.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.yaml.snakeyaml.Yaml;

/** API keys: no key gets 401 everywhere; another owner's ids answer 404, as missing ones do. */
@SpringBootTest(
    properties = {
      "slabprune.security.api-keys=alice:"
          + "d6f1e1f5f0a0f4d3a1d7a9c0d2d3c6a8d7e6b9f0a1b2c3d4e5f60718293a4b5c",
      "slabprune.security.admin-keys="
          + "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b",
      "slabprune.jobs.per-owner-per-minute=3"
    })
@AutoConfigureMockMvc
class AccessTest {

  /** The admin key whose SHA-256 is configured above. */
  private static final String ADMIN = "secret";

  @Autowired MockMvc mvc;
  @Autowired ApiKeys keys;

  @Test
  void everyApiOperationWithoutAKeyAnswers401() throws Exception {
    List<String[]> operations = documentedOperations();
    assertThat(operations).hasSizeGreaterThan(15);
    for (String[] operation : operations) {
      String path = operation[1].replace("{id}", UUID.randomUUID().toString());
      mvc.perform(request(HttpMethod.valueOf(operation[0]), path))
          .andExpect(status().isUnauthorized())
          .andExpect(
              header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")))
          .andExpect(jsonPath("$.type").value("/problems/missing-api-key"));
      mvc.perform(
              request(HttpMethod.valueOf(operation[0]), path)
                  .header("Authorization", "Bearer not-a-key"))
          .andExpect(status().isUnauthorized())
          .andExpect(jsonPath("$.type").value("/problems/invalid-api-key"));
    }
    mvc.perform(get("/actuator/health")).andExpect(status().isOk());
  }

  @Test
  void pagesAndProbesNeedNoKeyAndEverythingUnlistedIsRefused() throws Exception {
    for (String page : SecurityConfiguration.PAGES) {
      String path = page.replace("/**", "/any.css");
      // A listed path reaches the application (a page, or 404 where none is served yet): it is
      // not refused for want of a key.
      int status = mvc.perform(get(path)).andReturn().getResponse().getStatus();
      assertThat(status).as(path).isNotIn(401, 403);
    }
    mvc.perform(get("/")).andExpect(status().isOk());
    mvc.perform(get("/openapi.yaml")).andExpect(status().isOk());
    mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
    mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk());
    for (String unlisted : List.of("/actuator/env", "/other", "/API/v1/models", "/error")) {
      mvc.perform(get(unlisted))
          .andExpect(status().isUnauthorized())
          .andExpect(jsonPath("$.type").value("/problems/missing-api-key"));
    }
    String key = mint("erin-" + UUID.randomUUID());
    mvc.perform(get("/other").header("Authorization", "Bearer " + key))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.type").value("/problems/forbidden"));
  }

  @Test
  void anAdminKeyThatIsNoOwnersKeyGetsNoOwnersData() throws Exception {
    mvc.perform(get("/api/v1/models").header("Authorization", "Bearer " + ADMIN))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.type").value("/problems/forbidden"));
    mvc.perform(get("/api/v1/models").header("Authorization", "Basic " + "YWxpY2U6c2VjcmV0"))
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")))
        .andExpect(jsonPath("$.type").value("/problems/invalid-api-key"));
  }

  @Test
  void anotherOwnersIdsAnswer404OnEveryEndpointAndListingsHideThem() throws Exception {
    String alice = mint("alice-" + UUID.randomUUID());
    String bob = mint("bob-" + UUID.randomUUID());
    DenseNetwork teacher = TeacherData.teacher();
    byte[] onnx =
        new OnnxModelWriter().write(teacher, TestOnnx.allInputs("x", "logits", 6, Map.of()));
    String model =
        id(
            mvc.perform(
                    multipart("/api/v1/models")
                        .file(
                            new MockMultipartFile(
                                "file", "m.onnx", "application/octet-stream", onnx))
                        .header("Authorization", "Bearer " + alice))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString());
    String dataset =
        id(
            mvc.perform(
                    multipart("/api/v1/datasets")
                        .file(
                            new MockMultipartFile(
                                "file", "d.csv", "text/csv", TeacherData.dataset(teacher)))
                        .header("Authorization", "Bearer " + alice))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString());
    String job =
        id(
            mvc.perform(
                    post("/api/v1/jobs")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(
                            "{\"modelId\":\"" + model + "\",\"datasetId\":\"" + dataset + "\"}")
                        .header("Authorization", "Bearer " + alice))
                .andExpect(status().isAccepted())
                .andReturn()
                .getResponse()
                .getContentAsString());

    int checked = 0;
    for (String[] operation : documentedOperations()) {
      String path = operation[1];
      if (!path.contains("{id}") || path.startsWith("/api/v1/admin/")) {
        continue;
      }
      String id =
          path.startsWith("/api/v1/models")
              ? model
              : path.startsWith("/api/v1/datasets") ? dataset : job;
      MockHttpServletRequestBuilder call =
          request(HttpMethod.valueOf(operation[0]), path.replace("{id}", id))
              .header("Authorization", "Bearer " + bob);
      if (path.endsWith("weights.npy")) {
        call.param("layer", "0");
      }
      if (path.endsWith("/reprune")) {
        call.contentType(MediaType.APPLICATION_JSON).content("{\"threshold\": 0.5}");
      }
      mvc.perform(call)
          .andExpect(status().isNotFound())
          .andExpect(jsonPath("$.type").value("/problems/not-found"));
      checked++;
    }
    assertThat(checked).as("operations on one id").isEqualTo(15);

    for (String listing : List.of("/api/v1/models", "/api/v1/datasets", "/api/v1/jobs")) {
      mvc.perform(get(listing).param("size", "200").header("Authorization", "Bearer " + bob))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.totalItems").value(0));
      mvc.perform(get(listing).param("size", "200").header("Authorization", "Bearer " + alice))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.totalItems").value(1));
    }
    mvc.perform(
            post("/api/v1/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"modelId\":\"" + model + "\",\"datasetId\":\"" + dataset + "\"}")
                .header("Authorization", "Bearer " + bob))
        .andExpect(status().isNotFound());
    mvc.perform(get("/api/v1/models/" + model).header("Authorization", "Bearer " + alice))
        .andExpect(status().isOk());

    // another owner's dataset as the held-out rows: the same 404, naming the field
    String bobs =
        id(
            mvc.perform(
                    multipart("/api/v1/datasets")
                        .file(
                            new MockMultipartFile(
                                "file", "held.csv", "text/csv", TeacherData.dataset(teacher)))
                        .header("Authorization", "Bearer " + bob))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString());
    mvc.perform(
            post("/api/v1/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    "{\"modelId\":\""
                        + model
                        + "\",\"datasetId\":\""
                        + dataset
                        + "\",\"heldOutDatasetId\":\""
                        + bobs
                        + "\"}")
                .header("Authorization", "Bearer " + alice))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.type").value("/problems/not-found"))
        .andExpect(jsonPath("$.detail").value(startsWith("heldOutDatasetId")));
  }

  @Test
  void aRevokedKeyStopsWorkingAndOnlyAdminsManageKeys() throws Exception {
    String body =
        mvc.perform(
                post("/api/v1/admin/api-keys")
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"owner\": \"carol\"}")
                    .header("Authorization", "Bearer " + ADMIN))
            .andExpect(status().isCreated())
            .andReturn()
            .getResponse()
            .getContentAsString();
    String key = JsonPath.read(body, "$.key");
    String id = JsonPath.read(body, "$.id");
    mvc.perform(get("/api/v1/models").header("Authorization", "Bearer " + key))
        .andExpect(status().isOk());
    mvc.perform(get("/api/v1/admin/api-keys").header("Authorization", "Bearer " + key))
        .andExpect(status().isForbidden());
    String listed =
        mvc.perform(get("/api/v1/admin/api-keys").header("Authorization", "Bearer " + ADMIN))
            .andExpect(status().isOk())
            .andReturn()
            .getResponse()
            .getContentAsString();
    assertThat(listed).contains(id).doesNotContain(key);

    mvc.perform(delete("/api/v1/admin/api-keys/" + id).header("Authorization", "Bearer " + ADMIN))
        .andExpect(status().isNoContent());
    mvc.perform(get("/api/v1/models").header("Authorization", "Bearer " + key))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.type").value("/problems/invalid-api-key"));
    assertThat(keys.owner(key)).isEmpty();
  }

  @Test
  void jobCreationIsRateLimitedPerOwnerNamingTheLimit() throws Exception {
    String dave = mint("dave-" + UUID.randomUUID());
    DenseNetwork teacher = TeacherData.teacher();
    String model =
        id(
            mvc.perform(
                    multipart("/api/v1/models")
                        .file(
                            new MockMultipartFile(
                                "file",
                                "m.onnx",
                                "application/octet-stream",
                                new OnnxModelWriter()
                                    .write(teacher, TestOnnx.allInputs("x", "y", 6, Map.of()))))
                        .header("Authorization", "Bearer " + dave))
                .andReturn()
                .getResponse()
                .getContentAsString());
    String dataset =
        id(
            mvc.perform(
                    multipart("/api/v1/datasets")
                        .file(
                            new MockMultipartFile(
                                "file", "d.csv", "text/csv", TeacherData.dataset(teacher)))
                        .header("Authorization", "Bearer " + dave))
                .andReturn()
                .getResponse()
                .getContentAsString());
    String request = "{\"modelId\":\"" + model + "\",\"datasetId\":\"" + dataset + "\"}";
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(
          mvc.perform(
                  post("/api/v1/jobs")
                      .contentType(MediaType.APPLICATION_JSON)
                      .content(request)
                      .header("Authorization", "Bearer " + dave))
              .andReturn()
              .getResponse()
              .getStatus());
    }
    assertThat(statuses).containsExactly(202, 202, 202, 429);
    mvc.perform(
            post("/api/v1/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .content(request)
                .header("Authorization", "Bearer " + dave))
        .andExpect(status().isTooManyRequests())
        .andExpect(
            header().string("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*")))
        .andExpect(jsonPath("$.type").value("/problems/job-rate-limit"))
        .andExpect(jsonPath("$.errors[0].location").value("slabprune.jobs.per-owner-per-minute"));
  }

  private String mint(String owner) {
    return keys.mint(owner).key();
  }

  private static String id(String json) {
    return JsonPath.read(json, "$.id");
  }

  /** Every operation of the OpenAPI document, as {method, path}. */
  @SuppressWarnings("unchecked")
  static List<String[]> documentedOperations() throws Exception {
    Map<String, Object> document;
    try (InputStream in = Files.newInputStream(Path.of("openapi", "openapi.yaml"))) {
      document = new Yaml().load(in);
    }
    List<String[]> operations = new ArrayList<>();
    Map<String, Map<String, Object>> paths =
        (Map<String, Map<String, Object>>) document.get("paths");
    for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
      for (String method : path.getValue().keySet()) {
        if (List.of("get", "post", "put", "patch", "delete").contains(method)) {
          operations.add(new String[] {method.toUpperCase(), path.getKey()});
        }
      }
    }
    return operations;
  }
}
