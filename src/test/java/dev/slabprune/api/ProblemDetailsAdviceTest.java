package dev.slabprune.api;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.slabprune.storage.ArtifactNotFoundException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@SpringBootTest
@AutoConfigureMockMvc
@Import(ProblemDetailsAdviceTest.Endpoints.class)
class ProblemDetailsAdviceTest {

  @Autowired MockMvc mvc;

  @Test
  void badInputBecomesAProblemWithItsTypeTitleDetailAndErrors() throws Exception {
    mvc.perform(get("/api/test/bad-input"))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("/problems/csv-ragged-row"))
        .andExpect(jsonPath("$.title").value("Ragged row"))
        .andExpect(jsonPath("$.detail").value("Row 3 has 4 values; the header has 5."))
        .andExpect(jsonPath("$.errors[0].location").value("row 3"))
        .andExpect(jsonPath("$.errors[0].message").value("4 values, expected 5"));
  }

  @Test
  void aMissingThingIsANotFoundProblem() throws Exception {
    mvc.perform(get("/api/test/missing"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.type").value("/problems/not-found"))
        .andExpect(jsonPath("$.resource").value("artifact"))
        .andExpect(jsonPath("$.detail").value("There is no artifact with id abc."));
  }

  @Test
  void anUnknownPathIsANotFoundProblemWithABody() throws Exception {
    mvc.perform(get("/api/v1/no/such/path"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.type").value("/problems/not-found"))
        .andExpect(jsonPath("$.status").value(404));
  }

  @Test
  void invalidFieldsAreListedOneByOne() throws Exception {
    mvc.perform(
            post("/api/test/validated")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"epochs\": -1, \"batchSize\": 0}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
        .andExpect(jsonPath("$.errors.length()").value(2));
  }

  @Test
  void malformedJsonIsABadRequestProblem() throws Exception {
    mvc.perform(
            post("/api/test/validated").contentType(MediaType.APPLICATION_JSON).content("{oops"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/invalid-request"));
  }

  @Test
  void anUnexpectedFailureNamesNoExceptionClass() throws Exception {
    mvc.perform(get("/api/test/crash"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.type").value("/problems/internal-error"))
        .andExpect(
            jsonPath("$.detail")
                .value("The service failed unexpectedly; the failure has been logged."));
  }

  record Settings(@Positive int epochs, @Positive int batchSize) {}

  @TestConfiguration
  @RestController
  static class Endpoints {

    @GetMapping("/api/test/bad-input")
    String badInput() {
      throw new BadInputException(
          "csv-ragged-row",
          "Ragged row",
          "Row 3 has 4 values; the header has 5.",
          400,
          List.of(new BadInputException.Violation("row 3", "4 values, expected 5")),
          null);
    }

    @GetMapping("/api/test/missing")
    String missing() {
      throw new ArtifactNotFoundException("abc");
    }

    @GetMapping("/api/test/crash")
    String crash() {
      throw new IllegalStateException("secret internals");
    }

    @PostMapping("/api/test/validated")
    String validated(@Valid @RequestBody Settings settings) {
      return "ok";
    }
  }
}
