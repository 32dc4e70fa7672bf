package dev.slabprune.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.deploy.Dockerfile.Instruction;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The image as the Dockerfile builds it: linted, and read for what it must promise. */
class DockerfileTest {

  private final Dockerfile dockerfile = Dockerfile.read();

  @Test
  void theDockerfilePassesTheLinterWithEveryRuleAnError() {
    Commands.Result lint =
        NodeTools.run("lint-dockerfile.mjs", Dockerfile.PATH.toAbsolutePath().toString());

    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output()).contains("0 finding(s)");
  }

  @Test
  void theLinterReportsAFaultyDockerfile() {
    Path faulty =
        Commands.writeScratch(
            "faulty.Dockerfile",
            "FROM eclipse-temurin:17-jre\nWORKDIR app\nENTRYPOINT java\nENTRYPOINT x\n");

    Commands.Result lint = NodeTools.run("lint-dockerfile.mjs", faulty.toString());

    assertThat(lint.exitCode()).isEqualTo(1);
    assertThat(lint.output()).contains("WORKDIR paths should be absolute").contains("ENTRYPOINT");
  }

  @Test
  void theWrapperBuildsOnAJdk17AndTheImageRunsOnAJava17Jre() {
    List<Instruction> stages = dockerfile.all("FROM");

    assertThat(stages).hasSizeGreaterThanOrEqualTo(2);
    assertThat(stages.get(0).arguments()).startsWith("eclipse-temurin:17-jdk").endsWith("AS build");
    assertThat(stages.get(stages.size() - 1).arguments()).startsWith("eclipse-temurin:17-jre");
    assertThat(dockerfile.all("RUN"))
        .filteredOn(run -> run.stage() == 0)
        .anySatisfy(run -> assertThat(run.arguments()).contains("./mvnw").contains("package"))
        .anySatisfy(
            run ->
                assertThat(run.arguments())
                    .contains("-Djarmode=tools")
                    .contains("extract --layers --launcher"));
  }

  @Test
  void theImageHoldsTheJarsLayersFromTheLeastToTheMostOftenChanged() {
    assertThat(dockerfile.layersInCopyOrder())
        .containsExactly(
            "dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
  }

  @Test
  void theServiceRunsAsANumericNonRootUser() {
    List<Instruction> users = dockerfile.runtime("USER");

    assertThat(users).hasSize(1);
    assertThat(users.get(0).arguments()).matches("[1-9][0-9]*:[1-9][0-9]*");
    // The chart's pods run as the same user.
    assertThat(Commands.read(HelmChart.CHART.resolve("values.yaml")))
        .contains("runAsUser: " + users.get(0).arguments().split(":")[0]);
  }

  @Test
  void theEntrypointIsExecFormAndStartsSpringBootsLauncher() {
    List<String> entrypoint = dockerfile.entrypoint();

    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).last().isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
    assertThat(entrypoint).contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp");
    // the engine's Vector API module, whatever JDK_JAVA_OPTIONS the chart sets
    assertThat(entrypoint).contains("--add-modules=jdk.incubator.vector");
  }

  @Test
  void heapAndNd4jOffHeapMemoryFitInsideTheContainerLimitWithRoomToSpare() {
    String options = dockerfile.environment().get("JDK_JAVA_OPTIONS");
    assertThat(options).contains("-XX:+ExitOnOutOfMemoryError");

    double heap = percent(options, "-XX:MaxRAMPercentage=([0-9.]+)") / 100;
    double offHeap =
        heap * percent(options, "-Dorg\\.bytedeco\\.javacpp\\.maxbytes=([0-9.]+)%") / 100;
    double process =
        heap * percent(options, "-Dorg\\.bytedeco\\.javacpp\\.maxphysicalbytes=([0-9.]+)%") / 100;

    // In fractions of the container's memory limit.
    assertThat(heap).isBetween(0.25, 0.6);
    assertThat(offHeap).isGreaterThanOrEqualTo(0.2);
    assertThat(heap + offHeap).isLessThanOrEqualTo(0.8);
    assertThat(process).isGreaterThan(heap + offHeap).isLessThanOrEqualTo(0.95);
  }

  @Test
  void theHealthcheckAsksTheServiceForReadiness() {
    List<Instruction> healthchecks = dockerfile.runtime("HEALTHCHECK");

    assertThat(healthchecks).hasSize(1);
    assertThat(healthchecks.get(0).arguments())
        .contains("CMD curl")
        .contains("/actuator/health/readiness");
  }

  @Test
  void theBuildContextHoldsOnlyTheWrapperThePomTheSourcesAndTheContract() {
    List<String> rules =
        Arrays.stream(Commands.read(Path.of(".dockerignore")).split("\n"))
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();

    assertThat(rules).first().isEqualTo("*");
    assertThat(rules).contains("!.mvn", "!mvnw", "!pom.xml", "!src", "!openapi");
    // The build copies openapi/openapi.yaml into the jar, so the image's build stage needs it.
    assertThat(dockerfile.all("COPY"))
        .anySatisfy(copy -> assertThat(copy.arguments()).isEqualTo("openapi/ openapi/"));
  }

  @Test
  void theEmbeddedDatabaseFallbackKeepsItsDataInAVolumeFolder() {
    Map<String, String> environment = dockerfile.environment();

    assertThat(environment).containsEntry("SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY", "/data");
    assertThat(dockerfile.runtime("RUN"))
        .anySatisfy(run -> assertThat(run.arguments()).contains("chown 10001:10001 /data"));
  }

  private static double percent(String options, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(options);
    assertThat(matcher.find()).as(regex + " in " + options).isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
