package dev.slabprune.job;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.json.JsonMapper;

/**
 * The limits that drifted apart before the settings table, over HTTP: each value at its documented
 * end is queued (202), each just beyond it refused with a 400 that names the setting. Before, a
 * temperature between 10 and 100 passed the request and failed in the engine (500), and epochs,
 * evaluationSamples and fineTuneEpochs had three different maxima. The epochs cap is raised to the
 * table's maximum here, so that the document's maximum is reachable.
 */
@SpringBootTest(properties = "slabprune.jobs.max-epochs=100000")
@AutoConfigureMockMvc
@DirtiesContext
class SettingsLimitsApiTest {

  @Autowired MockMvc mvc;
  @Autowired JsonMapper json;
  @Autowired JdbcClient jdbc;

  private String model;
  private String dataset;

  @BeforeEach
  void upload() throws Exception {
    DenseNetwork teacher = TeacherData.teacher();
    model =
        id(
            mvc.perform(
                multipart("/api/v1/models")
                    .file(
                        new MockMultipartFile(
                            "file",
                            "teacher.onnx",
                            "application/octet-stream",
                            new OnnxModelWriter()
                                .write(
                                    teacher,
                                    TestOnnx.allInputs(
                                        "x", "logits", TeacherData.FEATURES, Map.of()))))));
    dataset =
        id(
            mvc.perform(
                multipart("/api/v1/datasets")
                    .file(
                        new MockMultipartFile(
                            "file", "data.csv", "text/csv", TeacherData.dataset(teacher)))));
  }

  @AfterEach
  void cancelWhatWasQueued() {
    // Nothing here runs them; a later test's workers must not.
    jdbc.sql(
            "update job set state = 'CANCELLED', finished_at = now() where state = 'QUEUED'"
                + " and model_id = ?")
        .param(UUID.fromString(model))
        .update();
  }

  @Test
  void aTemperatureAboveTenIsRefusedAndTenItselfIsQueued() throws Exception {
    job(Map.of("temperature", 50.0))
        .andExpect(status().isBadRequest())
        .andExpect(names("temperature"));
    job(Map.of("temperature", 10.000001))
        .andExpect(status().isBadRequest())
        .andExpect(names("temperature"));
    job(Map.of("temperature", 10.0))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.parameters.settings.temperature").value(10.0));
  }

  @Test
  void epochsUpToTheDocumentsMaximumAreQueuedAndOneMoreIsRefused() throws Exception {
    job(Map.of("epochs", 100_000))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.parameters.settings.epochs").value(100_000));
    job(Map.of("epochs", 100_001)).andExpect(status().isBadRequest()).andExpect(names("epochs"));
  }

  @Test
  void evaluationSamplesUpToAThousandAreQueuedAndOneMoreIsRefused() throws Exception {
    job(Map.of("evaluationSamples", 1_000)).andExpect(status().isAccepted());
    job(Map.of("evaluationSamples", 1_001))
        .andExpect(status().isBadRequest())
        .andExpect(names("evaluationSamples"));
  }

  @Test
  void fineTuneEpochsUpToAThousandAreQueuedAndOneMoreIsRefused() throws Exception {
    job(Map.of("fineTuneEpochs", 1_000)).andExpect(status().isAccepted());
    job(Map.of("fineTuneEpochs", 1_001))
        .andExpect(status().isBadRequest())
        .andExpect(names("fineTuneEpochs"));
  }

  @Test
  void noiseSdIsAPositiveNumberOrAuto() throws Exception {
    job(Map.of("noiseSd", 0.3))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.parameters.settings.noiseSd").value(0.3));
    job(Map.of("noiseSd", "auto"))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.parameters.settings.noiseSd").value("auto"));
    job(Map.of("noiseSd", 0)).andExpect(status().isBadRequest()).andExpect(names("noiseSd"));
    job(Map.of("noiseSd", "residuals"))
        .andExpect(status().isBadRequest())
        .andExpect(names("noiseSd"));
  }

  @Test
  void aRepruningIsHeldToTheSameTable() throws Exception {
    String job = UUID.randomUUID().toString();
    reprune(job, Map.of("fineTuneEpochs", 1_001, "threshold", 0.5))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("fineTuneEpochs"));
    reprune(job, Map.of("threshold", 1.0))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("threshold"));
    reprune(job, Map.of("threshold", 0.9, "fineTuneEpochs", 1_000))
        .andExpect(status().isNotFound());
  }

  @Test
  void theJobShowsEverySettingItRunsWithDefaultsResolved() throws Exception {
    job(Map.of("learningRate", 0.01))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.parameters.settings.learningRate").value(0.01))
        .andExpect(jsonPath("$.parameters.settings.batchSize").value(128))
        .andExpect(jsonPath("$.parameters.settings.priorInclusion").value("auto"))
        .andExpect(jsonPath("$.parameters.settings.noiseSd").value("auto"))
        .andExpect(jsonPath("$.parameters.settings.threshold").isEmpty())
        .andExpect(jsonPath("$.parameters.settings.maxAccuracyDrop").value(0.01))
        .andExpect(jsonPath("$.parameters.settings.targetWeights").isEmpty())
        .andExpect(jsonPath("$.parameters.settings.temperature").value(0.5))
        .andExpect(jsonPath("$.parameters.settings.fineTuneEpochs").value(3))
        .andExpect(jsonPath("$.parameters.settings.epochs").isNumber())
        .andExpect(jsonPath("$.parameters.datasetFiles[0].role").value("file"))
        .andExpect(jsonPath("$.progress.phase").value("queued"));
  }

  private ResultActions job(Map<String, Object> settings) throws Exception {
    return mvc.perform(
        post("/api/v1/jobs")
            .contentType(MediaType.APPLICATION_JSON)
            .content(
                json.writeValueAsString(
                    Map.of("modelId", model, "datasetId", dataset, "settings", settings))));
  }

  private ResultActions reprune(String job, Map<String, Object> request) throws Exception {
    return mvc.perform(
        post("/api/v1/jobs/" + job + "/reprune")
            .contentType(MediaType.APPLICATION_JSON)
            .content(json.writeValueAsString(request)));
  }

  private static org.springframework.test.web.servlet.ResultMatcher names(String setting) {
    return result -> {
      jsonPath("$.type").value("/problems/invalid-job").match(result);
      jsonPath("$.errors[0].location").value("settings." + setting).match(result);
    };
  }

  private static String id(ResultActions upload) throws Exception {
    return JsonPath.read(
        upload.andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(),
        "$.id");
  }
}
