package dev.slabprune.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;

/** The upload limits are settings, and a breach is a 4xx problem that names the limit. */
@SpringBootTest(
    properties = {"slabprune.limits.max-rows=100", "slabprune.limits.max-layer-width=8"})
@AutoConfigureMockMvc
class UploadLimitsTest {

  @Autowired MockMvc mvc;

  @Test
  void aDatasetWithMoreRowsThanTheLimitIsRefused() throws Exception {
    byte[] csv = TeacherData.dataset(TeacherData.teacher());

    mvc.perform(
            multipart("/api/v1/datasets")
                .file(new MockMultipartFile("file", "d.csv", "text/csv", csv)))
        .andExpect(status().is4xxClientError())
        .andExpect(jsonPath("$.type").value(Matchers.startsWith("/problems/")))
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("100")));
  }

  @Test
  void aModelWiderThanTheLimitIsRefused() throws Exception {
    byte[] onnx =
        new OnnxModelWriter()
            .write(TeacherData.teacher(), TestOnnx.allInputs("x", "y", 6, Map.of()));

    mvc.perform(
            multipart("/api/v1/models")
                .file(new MockMultipartFile("file", "m.onnx", "application/octet-stream", onnx)))
        .andExpect(status().is4xxClientError())
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("8")));
  }
}
