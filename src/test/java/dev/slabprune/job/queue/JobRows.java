package dev.slabprune.job.queue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Inserts the rows a job needs, straight into the tables, for queue tests. */
final class JobRows {

  private final JdbcClient jdbc;
  private final String owner = "owner-" + UUID.randomUUID();
  private final UUID model = UUID.randomUUID();
  private final UUID dataset = UUID.randomUUID();

  JobRows(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    // Tests of one JVM share the database: jobs left open by an earlier test must not be
    // claimed by this one.
    jdbc.sql(
            "update job set state = 'CANCELLED', claimed_by = null, heartbeat_at = null"
                + " where state in ('QUEUED', 'RUNNING')")
        .update();
    String sha = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    jdbc.sql(
            "insert into artifact (sha256, size_bytes, media_type, content, created_at)"
                + " values (?, 0, 'x/test', lo_create(0), now())")
        .param(sha)
        .update();
    jdbc.sql(
            "insert into model (id, owner, name, file_name, artifact_sha256, summary, created_at)"
                + " values (?, ?, 'm', 'm.onnx', ?, '{}', now())")
        .params(model, owner, sha)
        .update();
    jdbc.sql(
            "insert into dataset (id, owner, name, format, summary, created_at)"
                + " values (?, ?, 'd', 'CSV', '{}', now())")
        .params(dataset, owner)
        .update();
  }

  String owner() {
    return owner;
  }

  List<UUID> queue(int count, Instant createdAt, int maxAttempts) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      UUID id = UUID.randomUUID();
      OffsetDateTime at = OffsetDateTime.ofInstant(createdAt.plusMillis(i), ZoneOffset.UTC);
      jdbc.sql(
              "insert into job (id, owner, model_id, dataset_id, state, parameters, max_attempts,"
                  + " run_after, created_at) values (?, ?, ?, ?, 'QUEUED', '{}', ?, ?, ?)")
          .params(id, owner, model, dataset, maxAttempts, at, at)
          .update();
      ids.add(id);
    }
    return ids;
  }

  /** Queues {@code count} jobs due now in one statement, for the soak benchmark. */
  List<UUID> queueMany(int count) {
    return jdbc.sql(
            """
            insert into job (id, owner, model_id, dataset_id, state, parameters, max_attempts,
                             run_after, created_at)
            select gen_random_uuid(), ?, ?, ?, 'QUEUED', '{}', 3, now(), now()
            from generate_series(1, ?)
            returning id
            """)
        .params(owner, model, dataset, count)
        .query(UUID.class)
        .list();
  }

  String state(UUID id) {
    return jdbc.sql("select state from job where id = ?").param(id).query(String.class).single();
  }

  int attempts(UUID id) {
    return jdbc.sql("select attempts from job where id = ?")
        .param(id)
        .query(Integer.class)
        .single();
  }

  List<String> events(UUID id) {
    return jdbc.sql("select type from job_event where job_id = ? order by id")
        .param(id)
        .query(String.class)
        .list();
  }

  String failure(UUID id) {
    return jdbc.sql("select failure::text from job where id = ?")
        .param(id)
        .query(String.class)
        .single();
  }

  /** Every recorded move, as "FROM>TO", for checking against the state table. */
  List<String[]> moves() {
    return jdbc.sql(
            "select from_state, to_state from job_event e join job j on j.id = e.job_id"
                + " where j.owner = ? and from_state is not null")
        .param(owner)
        .query((row, i) -> new String[] {row.getString(1), row.getString(2)})
        .list();
  }
}
