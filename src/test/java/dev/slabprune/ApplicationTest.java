package dev.slabprune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApplicationTest {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void healthIsUpWithTheDatabaseInReadiness() throws Exception {
    HttpClient client = HttpClient.newHttpClient();

    for (String path : List.of("/actuator/health", "/actuator/health/readiness")) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).contains("\"status\":\"UP\"");
    }
  }

  @Test
  void theMigrationsCreateTheSchema() {
    List<String> tables =
        jdbc.queryForList(
            "select table_name from information_schema.tables where table_schema = 'public'",
            String.class);

    assertThat(tables)
        .contains(
            "artifact",
            "model",
            "dataset",
            "dataset_file",
            "job",
            "job_event",
            "job_checkpoint",
            "job_result");
  }

  @Test
  void theJobEventHistoryIsAppendOnly() {
    UUID job = insertJob();
    jdbc.update(
        "insert into job_event (job_id, at, type, to_state, attempt) values (?, now(), 'CREATED',"
            + " 'QUEUED', 0)",
        job);

    assertThatThrownBy(() -> jdbc.update("update job_event set type = 'X' where job_id = ?", job))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> jdbc.update("delete from job_event where job_id = ?", job))
        .hasMessageContaining("append-only");
    assertThat(
            jdbc.queryForObject("select count(*) from job_event where job_id = ?", Long.class, job))
        .isEqualTo(1);
  }

  @Test
  void aRunningJobMustNameTheWorkerThatClaimedIt() {
    UUID job = insertJob();

    assertThatThrownBy(() -> jdbc.update("update job set state = 'RUNNING' where id = ?", job))
        .hasMessageContaining("check constraint");
  }

  private UUID insertJob() {
    String sha = UUID.randomUUID().toString().replace("-", "").repeat(2);
    jdbc.update(
        "insert into artifact (sha256, size_bytes, media_type, content, created_at)"
            + " values (?, 0, 'x/test', lo_create(0), now())",
        sha);
    UUID model = UUID.randomUUID();
    jdbc.update(
        "insert into model (id, owner, name, file_name, artifact_sha256, summary, created_at)"
            + " values (?, 'test', 'm', 'm.onnx', ?, '{}', now())",
        model,
        sha);
    UUID dataset = UUID.randomUUID();
    jdbc.update(
        "insert into dataset (id, owner, name, format, summary, created_at)"
            + " values (?, 'test', 'd', 'CSV', '{}', now())",
        dataset);
    UUID job = UUID.randomUUID();
    jdbc.update(
        "insert into job (id, owner, model_id, dataset_id, state, parameters, run_after,"
            + " created_at) values (?, 'test', ?, ?, 'QUEUED', '{}', now(), now())",
        job,
        model,
        dataset);
    return job;
  }
}
