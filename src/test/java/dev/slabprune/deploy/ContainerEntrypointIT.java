package dev.slabprune.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.support.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image's entrypoint, run outside Docker as the image runs it: the packaged jar extracted with
 * the Dockerfile's command, its layers copied in the Dockerfile's order into one folder, and the
 * Dockerfile's ENTRYPOINT started there with the Dockerfile's ENV, pointed at the test database by
 * environment variables, as docker-compose and the Helm chart do.
 */
class ContainerEntrypointIT {

  private static final Path WORK = Path.of("target", "container-entrypoint-it");
  private static final Duration START_LIMIT = Duration.ofSeconds(180);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void theEntrypointStartsTheServiceAgainstTheDatabaseAndItBecomesReady() throws Exception {
    Dockerfile dockerfile = Dockerfile.read();
    Path app = assembleImageFolder(dockerfile);
    TestDatabase database = TestDatabase.get();
    int port = freePort();

    List<String> command = new ArrayList<>(dockerfile.entrypoint());
    // The image's "java" is the JRE 17 on its PATH; here it is this JVM's, also Java 17.
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path log = WORK.resolve("service.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(app.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment
        .keySet()
        .removeIf(name -> name.startsWith("SPRING_") || name.startsWith("SLABPRUNE_"));
    environment.putAll(dockerfile.environment());
    environment.put("SPRING_DATASOURCE_URL", database.jdbcUrl());
    environment.put("SPRING_DATASOURCE_USERNAME", database.user());
    environment.put("SPRING_DATASOURCE_PASSWORD", database.password());
    environment.put("SERVER_PORT", Integer.toString(port));

    Process service = builder.start();
    try {
      HttpResponse<String> readiness = awaitReadiness(service, port, log);

      assertThat(readiness.statusCode()).isEqualTo(200);
      assertThat(readiness.body()).contains("\"status\":\"UP\"").contains("\"db\"");
      assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
      assertThat(get(port, "/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
      // The memory flags of the image's ENV reached the JVM.
      assertThat(Files.readString(log)).contains("Picked up JDK_JAVA_OPTIONS");
    } finally {
      service.destroy(); // SIGTERM, as docker stop and Kubernetes send
      if (!service.waitFor(60, TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
    // A graceful stop: the JVM's exit status for SIGTERM, not a kill.
    assertThat(service.exitValue()).as(tail(log)).isIn(0, 143);
  }

  /** The image's /app: the Dockerfile's extract command, then its COPY of each layer in order. */
  private static Path assembleImageFolder(Dockerfile dockerfile) throws IOException {
    Path jar = packagedJar();
    deleteRecursively(WORK);
    Path extracted = WORK.resolve("extracted");
    Path app = WORK.resolve("app");
    Files.createDirectories(app);

    String extract =
        dockerfile.all("RUN").stream()
            .map(Dockerfile.Instruction::arguments)
            .filter(run -> run.contains("-Djarmode=tools"))
            .findFirst()
            .orElseThrow();
    assertThat(extract).contains("extract --layers --launcher");
    Commands.Result result =
        Commands.run(
            WORK,
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djarmode=tools",
                "-jar",
                jar.toAbsolutePath().toString(),
                "extract",
                "--layers",
                "--launcher",
                "--destination",
                extracted.toAbsolutePath().toString()),
            120);
    assertThat(result.exitCode()).as(result.output()).isZero();

    List<String> layers = dockerfile.layersInCopyOrder();
    try (Stream<Path> present = Files.list(extracted)) {
      assertThat(layers)
          .containsExactlyInAnyOrderElementsOf(
              present.map(p -> p.getFileName().toString()).toList());
    }
    for (String layer : layers) {
      copyInto(extracted.resolve(layer), app);
    }
    return app;
  }

  private static Path packagedJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> jars =
          files.filter(p -> p.getFileName().toString().matches("slabprune-.*\\.jar")).toList();
      assertThat(jars).as("the jar that `package` builds, in target/").hasSize(1);
      return jars.get(0);
    }
  }

  private HttpResponse<String> awaitReadiness(Process service, int port, Path log)
      throws Exception {
    Instant deadline = Instant.now().plus(START_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      if (!service.isAlive()) {
        throw new AssertionError("the service exited with " + service.exitValue() + tail(log));
      }
      try {
        HttpResponse<String> readiness = get(port, "/actuator/health/readiness");
        if (readiness.statusCode() == 200) {
          return readiness;
        }
      } catch (IOException notListeningYet) {
        // keep waiting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not ready within " + START_LIMIT + tail(log));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return "\n--- last lines of "
          + log
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return " (no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void copyInto(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path destination = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(destination);
        } else {
          Files.createDirectories(Objects.requireNonNull(destination.getParent()));
          Files.copy(source, destination);
        }
      }
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
