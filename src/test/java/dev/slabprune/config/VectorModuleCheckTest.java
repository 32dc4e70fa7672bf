package dev.slabprune.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.slabprune.SlabpruneApplication;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service started as {@code java -jar} without the Vector API module stops at once and says which
 * option to add, instead of taking uploads and failing every job.
 */
class VectorModuleCheckTest {

  @Test
  void aJvmWithoutTheVectorModuleIsRefusedAtStartNamingTheOption() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SlabpruneApplication.class.getName(),
                "--server.port=0",
                "--slabprune.worker.enabled=false",
                "--spring.main.banner-mode=off")
            .redirectErrorStream(true);
    // the launcher would add the module from here
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process process = builder.start();
    byte[] output;
    try {
      output = process.getInputStream().readAllBytes();
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    String text = new String(output, StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(text).isNotZero();
    assertThat(text)
        .contains("started without the module jdk.incubator.vector")
        .contains("--add-modules=jdk.incubator.vector")
        .doesNotContain("\tat ");
  }

  @Test
  void aJvmWithTheModuleStarts() {
    assertThat(ModuleLayer.boot().findModule(VectorModuleCheck.MODULE)).isPresent();
    assertThatCode(() -> VectorModuleCheck.check(true)).doesNotThrowAnyException();
  }
}
