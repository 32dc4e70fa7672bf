package dev.slabprune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slabprune.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HexFormat;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArtifactStoreTest {

  private static DataSource dataSource;
  private static ArtifactStore store;

  @BeforeAll
  static void migrate() {
    dataSource = TestDatabase.get().migratedDataSource();
    store = new ArtifactStore(dataSource, Clock.systemUTC());
  }

  @Test
  void storedBytesComeBackExactlyUnderTheirSha256() throws Exception {
    byte[] content = ("weights " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

    Artifact artifact = store.store(content, "application/octet-stream");

    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    assertThat(artifact.sha256()).isEqualTo(expected);
    assertThat(artifact.sizeBytes()).isEqualTo(content.length);
    assertThat(store.readAllBytes(artifact.sha256())).isEqualTo(content);
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    assertThat(store.copyTo(artifact.sha256(), copy)).isEqualTo(content.length);
    assertThat(copy.toByteArray()).isEqualTo(content);
    assertThat(store.get(expected).mediaType()).isEqualTo("application/octet-stream");
  }

  @Test
  void theSameBytesStoredTwiceAreKeptOnce() throws Exception {
    byte[] content = ("model " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    long objectsBefore = count("select count(*) from pg_largeobject_metadata");

    Artifact first = store.store(content, "application/onnx");
    Artifact second = store.store(content, "application/octet-stream");

    assertThat(second).isEqualTo(first);
    assertThat(second.mediaType()).isEqualTo("application/onnx");
    assertThat(count("select count(*) from artifact where sha256 = '" + first.sha256() + "'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from pg_largeobject_metadata")).isEqualTo(objectsBefore + 1);
  }

  @Test
  void anEmptyArtifactIsStoredAndRead() {
    Artifact artifact = store.store(new byte[0], "text/plain");

    assertThat(artifact.sizeBytes()).isZero();
    assertThat(store.readAllBytes(artifact.sha256())).isEmpty();
  }

  @Test
  void anUnknownHashIsNotFoundRatherThanNull() {
    String unknown = "0".repeat(64);

    assertThat(store.find(unknown)).isEmpty();
    assertThatThrownBy(() -> store.get(unknown))
        .isInstanceOf(ArtifactNotFoundException.class)
        .hasMessageContaining(unknown);
    assertThatThrownBy(() -> store.open(unknown)).isInstanceOf(ArtifactNotFoundException.class);
    assertThatThrownBy(() -> store.open("not-a-hash"))
        .isInstanceOf(ArtifactNotFoundException.class);
  }

  @Test
  void deletingAnArtifactRemovesItsBytes() throws Exception {
    Artifact artifact =
        store.store(("gone " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8), "text/plain");
    long objectsBefore = count("select count(*) from pg_largeobject_metadata");

    assertThat(store.deleteIfUnreferenced(artifact.sha256())).isTrue();

    assertThat(store.find(artifact.sha256())).isEmpty();
    assertThat(count("select count(*) from pg_largeobject_metadata")).isEqualTo(objectsBefore - 1);
    assertThat(store.deleteIfUnreferenced(artifact.sha256())).isFalse();
  }

  @Test
  void aFailedReadOfTheSourceStoresNothing() throws Exception {
    long objectsBefore = count("select count(*) from pg_largeobject_metadata");
    long artifactsBefore = count("select count(*) from artifact");
    java.io.InputStream broken =
        new java.io.InputStream() {
          private int left = 100_000;

          @Override
          public int read() throws java.io.IOException {
            if (left <= 0) {
              throw new java.io.IOException("client went away");
            }
            left--;
            return 7;
          }
        };

    assertThatThrownBy(() -> store.store(broken, "text/plain"))
        .hasMessageContaining("could not read the content");

    assertThat(count("select count(*) from pg_largeobject_metadata")).isEqualTo(objectsBefore);
    assertThat(count("select count(*) from artifact")).isEqualTo(artifactsBefore);
  }

  private static long count(String sql) throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }
}
