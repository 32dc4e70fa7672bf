package dev.slabprune.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Job rows as the API reads and creates them; the queue's moves live in {@code JobQueue}. */
@Component
class JobStore {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  JobStore(JdbcClient jdbc, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  UUID create(String owner, UUID model, UUID dataset, JobParameters parameters, int maxAttempts) {
    UUID id = UUID.randomUUID();
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    jdbc.sql(
            """
            with created as (
                insert into job (id, owner, model_id, dataset_id, state, parameters, max_attempts,
                                 run_after, created_at)
                values (:id, :owner, :model, :dataset, 'QUEUED', cast(:parameters as jsonb),
                        :maxAttempts, :now, :now)
                returning id
            )
            insert into job_event (job_id, at, type, to_state, attempt)
            select id, :now, 'CREATED', 'QUEUED', 0 from created
            """)
        .param("id", id)
        .param("owner", owner)
        .param("model", model)
        .param("dataset", dataset)
        .param("parameters", json.writeValueAsString(parameters))
        .param("maxAttempts", maxAttempts)
        .param("now", now)
        .update();
    return id;
  }

  Optional<JobView> find(String owner, UUID id) {
    return jdbc.sql("select * from job where id = :id and owner = :owner")
        .param("id", id)
        .param("owner", owner)
        .query(this::view)
        .optional();
  }

  List<JobView> page(String owner, JobState state, int page, int size) {
    return jdbc.sql(
            """
            select * from job where owner = :owner
              and (cast(:state as text) is null or state = cast(:state as text))
            order by created_at desc, id limit :limit offset :offset
            """)
        .param("owner", owner)
        .param("state", state == null ? null : state.name())
        .param("limit", size)
        .param("offset", (long) page * size)
        .query(this::view)
        .list();
  }

  long count(String owner, JobState state) {
    return jdbc.sql(
            """
            select count(*) from job where owner = :owner
              and (cast(:state as text) is null or state = cast(:state as text))
            """)
        .param("owner", owner)
        .param("state", state == null ? null : state.name())
        .query(Long.class)
        .single();
  }

  @SuppressWarnings("unchecked")
  private JobView view(ResultSet row, int i) throws SQLException {
    return new JobView(
        row.getObject("id", UUID.class),
        JobState.valueOf(row.getString("state")),
        row.getObject("model_id", UUID.class),
        row.getObject("dataset_id", UUID.class),
        map(row.getString("parameters")),
        map(row.getString("progress")),
        row.getInt("attempts"),
        row.getInt("max_attempts"),
        row.getBoolean("cancel_requested"),
        instant(row, "created_at"),
        instant(row, "started_at"),
        instant(row, "finished_at"),
        map(row.getString("failure")));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(String value) {
    return value == null ? null : json.readValue(value, Map.class);
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
