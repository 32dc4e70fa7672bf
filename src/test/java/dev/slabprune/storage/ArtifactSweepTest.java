package dev.slabprune.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.support.MutableClock;
import dev.slabprune.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The sweep of bytes nothing refers to, and the race it must not lose: an upload stores its bytes
 * before it writes the row that refers to them. Artifacts here are stored in the year 2000, so the
 * cutoffs used touch nothing that other tests of this JVM stored.
 */
class ArtifactSweepTest {

  private static final Instant LONG_AGO = Instant.parse("2000-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofHours(6);

  private static DataSource dataSource;
  private static JdbcClient jdbc;

  @BeforeAll
  static void migrate() {
    dataSource = TestDatabase.get().migratedDataSource();
    jdbc = JdbcClient.create(dataSource);
  }

  @Test
  void bytesNothingRefersToAreRemovedOnlyOnceUntouchedForTheGracePeriod() {
    MutableClock clock = new MutableClock(LONG_AGO);
    ArtifactStore store = new ArtifactStore(dataSource, clock);
    Artifact orphan = store.store(unique(), "application/octet-stream");
    long oid =
        jdbc.sql("select content from artifact where sha256 = ?")
            .param(orphan.sha256())
            .query(Long.class)
            .single();

    clock.advance(GRACE.minusMinutes(1));
    store.sweep(clock.instant().minus(GRACE));
    assertThat(store.find(orphan.sha256())).as("inside the grace period").isPresent();

    clock.advance(Duration.ofMinutes(2));
    store.sweep(clock.instant().minus(GRACE));
    assertThat(store.find(orphan.sha256())).as("past the grace period").isEmpty();
    assertThat(
            jdbc.sql("select count(*) from pg_largeobject_metadata where oid = ?")
                .param(oid)
                .query(Long.class)
                .single())
        .as("its large object")
        .isZero();
  }

  @Test
  void oldBytesStoredAgainByAnUploadAreKeptForTheRowAboutToReferToThem() {
    MutableClock clock = new MutableClock(LONG_AGO);
    ArtifactStore store = new ArtifactStore(dataSource, clock);
    byte[] content = unique();
    Artifact first = store.store(content, "application/octet-stream");

    // Days later an upload of the same bytes stores them again, and a sweep runs before the
    // upload has written its model row.
    clock.advance(Duration.ofDays(3));
    Artifact again = store.store(content, "application/octet-stream");
    store.sweep(clock.instant().minus(GRACE));

    assertThat(again.sha256()).isEqualTo(first.sha256());
    assertThat(store.find(first.sha256())).isPresent();
    UUID model = UUID.randomUUID();
    jdbc.sql(
            "insert into model (id, owner, name, file_name, artifact_sha256, summary, created_at)"
                + " values (?, 'sweep-test', 'm', 'm.onnx', ?, '{}', now())")
        .params(model, first.sha256())
        .update();
    clock.advance(Duration.ofDays(30));
    store.sweep(clock.instant().minus(GRACE));
    assertThat(store.find(first.sha256())).as("referred to by a model").isPresent();

    jdbc.sql("delete from model where id = ?").param(model).update();
    store.sweep(clock.instant().minus(GRACE));
    assertThat(store.find(first.sha256())).isEmpty();
  }

  @Test
  void whatAWorkerWroteForAJobItLostIsRemovedOnceThePeriodHasPassed() {
    // A worker stores the posterior and the pruned model, then finds the job was taken from it
    // and never stores the result: nothing refers to either.
    MutableClock clock = new MutableClock(LONG_AGO);
    ArtifactStore store = new ArtifactStore(dataSource, clock);
    Artifact posterior = store.store(unique(), "application/octet-stream");
    Artifact pruned = store.store(unique(), "application/onnx");

    clock.advance(GRACE.plusMinutes(1));
    ArtifactStore.Sweep sweep = store.sweep(clock.instant().minus(GRACE));

    assertThat(sweep.artifacts()).isGreaterThanOrEqualTo(2);
    assertThat(store.find(posterior.sha256())).isEmpty();
    assertThat(store.find(pruned.sha256())).isEmpty();
  }

  @Test
  void aLargeObjectThatNoArtifactHoldsIsRemoved() {
    long oid = jdbc.sql("select lo_create(0)").query(Long.class).single();
    ArtifactStore store = new ArtifactStore(dataSource, new MutableClock(LONG_AGO));
    Artifact kept = store.store(unique(), "application/octet-stream");

    ArtifactStore.Sweep sweep = store.sweep(LONG_AGO.minusSeconds(1));

    assertThat(sweep.largeObjects()).isGreaterThanOrEqualTo(1);
    assertThat(
            jdbc.sql("select count(*) from pg_largeobject_metadata where oid = ?")
                .param(oid)
                .query(Long.class)
                .single())
        .isZero();
    assertThat(store.readAllBytes(kept.sha256())).isNotEmpty();
  }

  private static byte[] unique() {
    return ("bytes " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
  }
}
