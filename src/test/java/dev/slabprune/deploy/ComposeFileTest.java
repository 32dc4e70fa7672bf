package dev.slabprune.deploy;

import static dev.slabprune.deploy.HelmChart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml: PostgreSQL and the service, which waits for it. */
@SuppressWarnings("unchecked")
class ComposeFileTest {

  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private final Map<String, Object> compose = new Yaml().load(Commands.read(COMPOSE));

  @Test
  void dockerComposeAcceptsTheFile() {
    assumeDockerCompose();

    Commands.Result config =
        Commands.run(
            Path.of("."),
            List.of("docker-compose", "-f", COMPOSE.toAbsolutePath().toString(), "config", "-q"),
            60);

    assertThat(config.exitCode()).as(config.output()).isZero();
  }

  @Test
  void dockerComposeRejectsAServiceThatWaitsForAnUnknownOne() {
    assumeDockerCompose();
    Path broken =
        Commands.writeScratch(
            "broken-compose.yml",
            "services:\n  app:\n    image: x\n    depends_on:\n      db:\n        condition: service_healthy\n");

    Commands.Result config =
        Commands.run(
            Path.of("."), List.of("docker-compose", "-f", broken.toString(), "config", "-q"), 60);

    assertThat(config.exitCode()).isNotZero();
  }

  @Test
  void postgresKeepsItsDataInANamedVolumeAndReportsItsHealth() {
    Map<String, Object> postgres = at(compose, "services", "postgres");

    assertThat((String) postgres.get("image")).isEqualTo("postgres:16");
    assertThat((List<String>) postgres.get("volumes"))
        .containsExactly("postgres-data:/var/lib/postgresql/data");
    assertThat((Map<String, Object>) at(compose, "volumes")).containsKey("postgres-data");
    assertThat((List<String>) at(postgres, "healthcheck", "test"))
        .anySatisfy(part -> assertThat(part).contains("pg_isready"));
  }

  @Test
  void theServiceIsBuiltHereWaitsForAHealthyDatabaseAndListensOn8080() {
    Map<String, Object> service = at(compose, "services", "slabprune");

    assertThat(service.get("build")).isEqualTo(".");
    assertThat((Object) at(service, "depends_on", "postgres", "condition"))
        .isEqualTo("service_healthy");
    assertThat((List<String>) service.get("ports")).containsExactly("8080:8080");
  }

  @Test
  void theServiceIsConfiguredByEnvironmentToUseTheComposeDatabase() {
    Map<String, Object> environment = at(compose, "services", "slabprune", "environment");
    Map<String, Object> postgres = at(compose, "services", "postgres", "environment");

    assertThat(environment)
        .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/slabprune")
        .containsEntry("SPRING_DATASOURCE_USERNAME", postgres.get("POSTGRES_USER"))
        .containsEntry("SPRING_DATASOURCE_PASSWORD", postgres.get("POSTGRES_PASSWORD"));
  }

  @Test
  void theServiceRunsWithAReadOnlyRootFilesystemAndAnExecutableTmp() {
    Map<String, Object> service = at(compose, "services", "slabprune");

    assertThat(service.get("read_only")).isEqualTo(true);
    assertThat((List<String>) service.get("cap_drop")).containsExactly("ALL");
    // JavaCPP loads native libraries from its cache in /tmp: the tmpfs must allow exec.
    assertThat((List<String>) service.get("tmpfs"))
        .singleElement()
        .satisfies(tmpfs -> assertThat(tmpfs).startsWith("/tmp:").contains("exec"));
  }

  private static void assumeDockerCompose() {
    boolean present;
    try {
      present =
          Commands.run(Path.of("."), List.of("docker-compose", "version"), 60).exitCode() == 0;
    } catch (RuntimeException notFound) {
      present = false;
    }
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "docker-compose is missing in CI: .ci/run installs it with apt-get");
    }
    assumeTrue(
        present,
        "docker-compose is not installed, so the compose file is not checked by it here"
            + " (Debian: apt-get install docker-compose; .ci/run installs it)");
  }
}
