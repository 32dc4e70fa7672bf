package dev.slabprune.dataset;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import java.nio.charset.StandardCharsets;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;

@SpringBootTest
@AutoConfigureMockMvc
class DatasetApiTest {

  @Autowired MockMvc mvc;

  static MockMultipartFile part(String part, String resource) throws Exception {
    try (var in = DatasetApiTest.class.getResourceAsStream("/datasets/" + resource)) {
      return new MockMultipartFile(part, resource, "application/octet-stream", in.readAllBytes());
    }
  }

  @Test
  void aCsvIsParsedIntoASummaryAndCanBeDeleted() throws Exception {
    String body =
        mvc.perform(multipart("/api/v1/datasets").file(part("file", "iris_sample.csv")))
            .andExpect(status().isCreated())
            .andExpect(jsonPath("$.format").value("CSV"))
            .andExpect(jsonPath("$.summary.task").value("CLASSIFICATION"))
            .andExpect(jsonPath("$.summary.rows").value(Matchers.greaterThan(0)))
            .andExpect(jsonPath("$.summary.features").value(4))
            .andExpect(jsonPath("$.summary.classes").isArray())
            .andExpect(jsonPath("$.files[0].role").value("file"))
            .andReturn()
            .getResponse()
            .getContentAsString();
    String id = JsonPath.read(body, "$.id");

    mvc.perform(get("/api/v1/datasets/" + id)).andExpect(status().isOk());
    mvc.perform(get("/api/v1/datasets").param("size", "200"))
        .andExpect(jsonPath("$.items[?(@.id == '" + id + "')]").exists());
    mvc.perform(delete("/api/v1/datasets/" + id)).andExpect(status().isNoContent());
    mvc.perform(get("/api/v1/datasets/" + id)).andExpect(status().isNotFound());
  }

  @Test
  void idxImagesAndLabelsMakeOneDataset() throws Exception {
    mvc.perform(
            multipart("/api/v1/datasets")
                .file(part("images", "tiny-images-idx3-ubyte.gz"))
                .file(part("labels", "tiny-labels-idx1-ubyte.gz")))
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.format").value("IDX"))
        .andExpect(jsonPath("$.files.length()").value(2))
        .andExpect(jsonPath("$.summary.task").value("CLASSIFICATION"));
  }

  @Test
  void npyFeaturesAndLabelsAndAnNpzAreAccepted() throws Exception {
    mvc.perform(
            multipart("/api/v1/datasets")
                .file(part("features", "features_f4.npy"))
                .file(part("labels", "labels_i8.npy")))
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.format").value("NPY"));
    mvc.perform(multipart("/api/v1/datasets").file(part("file", "xy.npz")))
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.format").value("NPZ"));
  }

  @Test
  void aRegressionCsvKeepsTheTargetStatistics() throws Exception {
    mvc.perform(
            multipart("/api/v1/datasets")
                .file(part("file", "regression_semicolon.csv"))
                .param("task", "regression"))
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.summary.task").value("REGRESSION"))
        .andExpect(jsonPath("$.summary.targetMean").isNumber())
        .andExpect(jsonPath("$.summary.targetSd").isNumber());
  }

  @Test
  void aRaggedCsvNamesTheRowAndColumn() throws Exception {
    byte[] csv = "a,b,y\n1,2,x\n3,4\n".getBytes(StandardCharsets.UTF_8);
    mvc.perform(
            multipart("/api/v1/datasets")
                .file(new MockMultipartFile("file", "bad.csv", "text/csv", csv)))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/csv-ragged-row"))
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("3")));
  }

  @Test
  void missingOrExtraPartsAreListed() throws Exception {
    mvc.perform(multipart("/api/v1/datasets").file(part("images", "tiny-images-idx3-ubyte")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/dataset-parts"))
        .andExpect(jsonPath("$.errors[0].location").value("labels"));
    mvc.perform(multipart("/api/v1/datasets").param("name", "nothing"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/dataset-parts"));
  }

  @Test
  void anUnknownFormatOrTaskIsABadRequest() throws Exception {
    mvc.perform(
            multipart("/api/v1/datasets")
                .file(part("file", "iris_sample.csv"))
                .param("format", "parquet"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/invalid-format"));
    mvc.perform(
            multipart("/api/v1/datasets")
                .file(part("file", "iris_sample.csv"))
                .param("task", "clustering"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("/problems/invalid-task"));
  }
}
