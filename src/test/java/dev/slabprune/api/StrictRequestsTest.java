package dev.slabprune.api;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * Request bodies are read as the contract is written: unknown fields, fractions for integers and
 * text for numbers are refused with a problem that names the field, the type and the position.
 */
@SpringBootTest
@AutoConfigureMockMvc
class StrictRequestsTest {

  private static final String IDS =
      "\"modelId\": \"" + UUID.randomUUID() + "\", \"datasetId\": \"" + UUID.randomUUID() + "\"";

  @Autowired MockMvc mvc;

  private ResultActions job(String body) throws Exception {
    return mvc.perform(post("/api/v1/jobs").contentType(MediaType.APPLICATION_JSON).content(body));
  }

  @Test
  void aWellFormedJobRequestIsReadAndGoesOnToTheModelLookup() throws Exception {
    // Read and checked: the model does not exist. A whole number is a number for a number field.
    job("{" + IDS + ", \"settings\": {\"epochs\": 5, \"learningRate\": 1}, \"seed\": 7}")
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.resource").value("model"));
  }

  @Test
  void anUnknownSettingIsRefusedNamingItAndTheKnownOnes() throws Exception {
    job("{" + IDS + ", \"settings\": {\"epoch\": 5}}")
        .andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
        .andExpect(jsonPath("$.errors[0].location").value("settings.epoch"))
        .andExpect(jsonPath("$.errors[0].message", containsString("is not a known field")))
        .andExpect(jsonPath("$.errors[0].message", containsString("epochs")))
        .andExpect(jsonPath("$.errors[0].line").value(1))
        .andExpect(jsonPath("$.detail", containsString("settings.epoch is not a known field")));
  }

  @Test
  void anUnknownTopLevelFieldIsRefused() throws Exception {
    job("{" + IDS + ", \"priority\": 1}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("priority"));
  }

  @Test
  void aFractionForAnIntegerIsRefusedWithTheTypeAndThePosition() throws Exception {
    job("{" + IDS + ",\n \"settings\": {\"epochs\": 2.5}}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("settings.epochs"))
        .andExpect(jsonPath("$.errors[0].message", containsString("must be an integer")))
        .andExpect(jsonPath("$.errors[0].line").value(2))
        .andExpect(jsonPath("$.errors[0].column").isNumber())
        .andExpect(jsonPath("$.detail", containsString("(line 2, column")));
  }

  @Test
  void textForANumberIsRefused() throws Exception {
    job("{" + IDS + ", \"settings\": {\"epochs\": \"5\"}}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("settings.epochs"))
        .andExpect(jsonPath("$.errors[0].message", containsString("not a string")));
    job("{" + IDS + ", \"testFraction\": \"0.2\"}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("testFraction"))
        .andExpect(jsonPath("$.errors[0].message", containsString("must be a number")));
    job("{" + IDS + ", \"reducedInput\": \"true\"}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("reducedInput"))
        .andExpect(jsonPath("$.errors[0].message", containsString("true or false")));
  }

  @Test
  void aNumberBeyondItsTypeIsRefused() throws Exception {
    job("{" + IDS + ", \"settings\": {\"epochs\": 99999999999}}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("settings.epochs"))
        .andExpect(jsonPath("$.errors[0].message", containsString("integer between")));
  }

  @Test
  void malformedJsonIsRefusedWithThePosition() throws Exception {
    job("{\"modelId\": \n}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("body"))
        .andExpect(jsonPath("$.errors[0].message", containsString("is not valid JSON")))
        .andExpect(jsonPath("$.errors[0].line").value(2));
    job("{" + IDS + "} {}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].message", containsString("is not valid JSON")));
    job("{" + IDS + ", \"seed\": 1, \"seed\": 2}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail", containsString("seed")));
    job("")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("body"));
  }

  @Test
  void anIdThatIsNoUuidIsRefusedNamingIt() throws Exception {
    job("{\"modelId\": \"abc\", \"datasetId\": \"" + UUID.randomUUID() + "\"}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("modelId"))
        .andExpect(jsonPath("$.errors[0].message", containsString("must be a UUID")))
        .andExpect(jsonPath("$.errors[0].message", containsString("\"abc\"")));
    mvc.perform(get("/api/v1/jobs/abc"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("id"))
        .andExpect(jsonPath("$.detail").value(containsString("id must be a UUID")));
    mvc.perform(get("/api/v1/models").param("page", "x"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("page"))
        .andExpect(jsonPath("$.errors[0].message", containsString("must be an integer")));
  }

  @Test
  void aBodyOverTheLimitIs413NamingTheSetting() throws Exception {
    String big = "{" + IDS + ", \"padding\": \"" + "x".repeat(1_100_000) + "\"}";
    job(big)
        .andExpect(status().isPayloadTooLarge())
        .andExpect(jsonPath("$.type").value("/problems/payload-too-large"))
        .andExpect(jsonPath("$.limit").value("slabprune.limits.max-json-bytes"))
        .andExpect(jsonPath("$.detail", containsString("1048576 bytes")));
  }

  @Test
  void mintingRefusesUnknownFields() throws Exception {
    mvc.perform(
            post("/api/v1/admin/api-keys")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"owner\": \"team\", \"admin\": true}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].location").value("admin"));
  }
}
