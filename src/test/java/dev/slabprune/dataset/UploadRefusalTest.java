package dev.slabprune.dataset;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.hamcrest.Matchers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

/** Every kind of unreadable upload comes back as a 4xx problem that names what is wrong. */
@SpringBootTest
@AutoConfigureMockMvc
class UploadRefusalTest {

  @Autowired MockMvc mvc;

  static Stream<Arguments> refusals() throws Exception {
    byte[] images = resource("tiny-images-idx3-ubyte");
    byte[] labels = resource("tiny-labels-idx1-ubyte");
    byte[] npy = resource("features_f4.npy");
    return Stream.of(
        Arguments.of(
            "a ragged CSV row",
            "/api/v1/datasets",
            parts(csv("a,b,y\n1,2,x\n3,4\n")),
            "csv-ragged-row"),
        Arguments.of(
            "a non-numeric CSV value",
            "/api/v1/datasets",
            parts(csv("a,b,y\n1,2,x\n3,oops,y\n")),
            "csv-non-numeric"),
        Arguments.of(
            "a NaN in a CSV",
            "/api/v1/datasets",
            parts(csv("a,b,y\n1,2,x\n3,NaN,y\n")),
            "dataset-non-finite"),
        Arguments.of(
            "an empty CSV",
            "/api/v1/datasets",
            parts(file("file", "empty.csv", new byte[0])),
            "dataset-empty-file"),
        Arguments.of(
            "an unknown target column",
            "/api/v1/datasets",
            parts(csv("a,b,y\n1,2,x\n"), file("target", "label", new byte[0])),
            "csv-unknown-target"),
        Arguments.of(
            "IDX labels in place of images",
            "/api/v1/datasets",
            parts(file("images", "i", labels), file("labels", "l", labels)),
            null),
        Arguments.of(
            "a truncated IDX file",
            "/api/v1/datasets",
            parts(
                file("images", "i", Arrays.copyOf(images, images.length - 10)),
                file("labels", "l", labels)),
            null),
        Arguments.of(
            "IDX counts that differ",
            "/api/v1/datasets",
            parts(
                file("images", "i", images),
                file("labels", "l", Arrays.copyOf(labels, labels.length - 1))),
            null),
        Arguments.of(
            "an NPY file with a wrong magic",
            "/api/v1/datasets",
            parts(
                file("features", "f.npy", "not numpy".getBytes(StandardCharsets.UTF_8)),
                file("labels", "l.npy", npy)),
            null),
        Arguments.of(
            "NPY features with no columns",
            "/api/v1/datasets",
            parts(
                file("features", "f.npy", npy("<f4", "(3, 0)", new byte[0])),
                file("labels", "l.npy", npy("<i8", "(3,)", new byte[24]))),
            "dataset-no-features"),
        Arguments.of(
            "a model that is not ONNX",
            "/api/v1/models",
            parts(file("file", "m.onnx", "hello".getBytes(StandardCharsets.UTF_8))),
            null),
        Arguments.of(
            "a truncated model",
            "/api/v1/models",
            parts(
                file(
                    "file", "m.onnx", Arrays.copyOf(resource("../onnx/float_data_mlp.onnx"), 200))),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void isRefusedWithAProblemDetail(
      String what, String path, MockMultipartFile[] request, String slug) throws Exception {
    MockMultipartHttpServletRequestBuilder call = multipart(path);
    for (MockMultipartFile file : request) {
      if (file.getName().equals("target")) {
        call.param("target", file.getOriginalFilename());
      } else {
        call.file(file);
      }
    }
    mvc.perform(call)
        .andExpect(status().is4xxClientError())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(
            jsonPath("$.type")
                .value(
                    slug == null
                        ? Matchers.startsWith("/problems/")
                        : Matchers.equalTo("/problems/" + slug)))
        .andExpect(jsonPath("$.title").isString())
        .andExpect(jsonPath("$.detail").value(Matchers.not(Matchers.emptyOrNullString())));
  }

  /** The parts of one upload; a part named {@code target} is sent as that request parameter. */
  private static MockMultipartFile[] parts(MockMultipartFile... files) {
    return files;
  }

  private static MockMultipartFile csv(String text) {
    return file("file", "data.csv", text.getBytes(StandardCharsets.UTF_8));
  }

  private static MockMultipartFile file(String part, String name, byte[] content) {
    return new MockMultipartFile(part, name, "application/octet-stream", content);
  }

  /** A version 1.0 NPY file with the given dtype, shape and raw little-endian data. */
  private static byte[] npy(String descr, String shape, byte[] data) {
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int padding = (64 - (10 + header.length() + 1) % 64) % 64;
    byte[] text = (header + " ".repeat(padding) + "\n").getBytes(StandardCharsets.US_ASCII);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(text.length & 0xff);
    out.write(text.length >> 8);
    out.writeBytes(text);
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static byte[] resource(String name) throws Exception {
    try (var in = UploadRefusalTest.class.getResourceAsStream("/datasets/" + name)) {
      return in.readAllBytes();
    }
  }
}
