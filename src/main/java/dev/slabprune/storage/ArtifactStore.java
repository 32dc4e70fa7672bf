package dev.slabprune.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;
import org.springframework.stereotype.Component;

/**
 * Artifact bytes in PostgreSQL large objects, addressed by SHA-256. Content streams in and out in
 * fixed-size chunks, so neither storing nor reading holds an artifact in the heap; the same bytes
 * stored twice are kept once.
 *
 * <p>Each call runs in a transaction of its own on a connection of its own: large objects need a
 * transaction, and an open {@link ArtifactContent} keeps its transaction until closed.
 */
@Component
public class ArtifactStore {

  private static final int CHUNK = 256 * 1024;

  /**
   * True for an artifact row {@code a} that no row refers to: no model, dataset file, checkpoint or
   * job result.
   */
  private static final String UNREFERENCED =
      """
      not exists (select 1 from model m where m.artifact_sha256 = a.sha256)
      and not exists (select 1 from dataset_file f where f.artifact_sha256 = a.sha256)
      and not exists (select 1 from job_checkpoint c where c.artifact_sha256 = a.sha256)
      and not exists (select 1 from job_result r
                      where r.pruned_sha256 = a.sha256 or r.posterior_sha256 = a.sha256)
      """;

  /** One sweep at a time across every instance on the database. */
  private static final long SWEEP_LOCK = 0x736c6162_73776570L;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final DataSource dataSource;
  private final Clock clock;

  public ArtifactStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /**
   * Stores the stream's bytes (read to its end, not closed) and returns their artifact; when the
   * same bytes were stored before, returns the existing artifact and keeps one copy.
   */
  public Artifact store(InputStream content, String mediaType) {
    MessageDigest digest = sha256();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        LargeObjectManager objects = largeObjects(connection);
        long oid = objects.createLO(LargeObjectManager.READWRITE);
        long size;
        try (LargeObject object = objects.open(oid, LargeObjectManager.WRITE);
            OutputStream out = object.getOutputStream()) {
          size = copy(new DigestInputStream(content, digest), out);
        }
        String hash = HexFormat.of().formatHex(digest.digest());
        Artifact stored = insertOrFind(connection, hash, size, mediaType, oid);
        if (stored == null) {
          objects.unlink(oid);
          stored =
              find(connection, hash).orElseThrow(() -> new IllegalStateException("lost " + hash));
        }
        connection.commit();
        return stored;
      } catch (SQLException | IOException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException("could not store an artifact", e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the content to store", e);
    }
  }

  /**
   * Starts storing artifacts that are written rather than read: each {@link Batch#add} gives an
   * output stream, and {@link Batch#commit()} stores them all, or closing the batch first stores
   * none. Lets a caller store bytes while it reads them for its own purpose (one pass over an
   * upload), and several at once. The batch holds one connection and transaction until closed.
   */
  public Batch batch() {
    try {
      Connection connection = dataSource.getConnection();
      try {
        connection.setAutoCommit(false);
        return new Batch(connection, largeObjects(connection));
      } catch (SQLException | RuntimeException e) {
        closeQuietly(connection);
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException("could not start storing artifacts", e);
    }
  }

  /** Artifacts being written together; see {@link #batch()}. Not thread-safe. */
  public final class Batch implements AutoCloseable {

    private final Connection connection;
    private final LargeObjectManager objects;
    private final java.util.List<Sink> sinks = new java.util.ArrayList<>();
    private boolean done;

    private Batch(Connection connection, LargeObjectManager objects) {
      this.connection = connection;
      this.objects = objects;
    }

    /** A new artifact's bytes: write them, then {@link #commit()} the batch. */
    public OutputStream add(String mediaType) {
      try {
        long oid = objects.createLO(LargeObjectManager.READWRITE);
        LargeObject object = objects.open(oid, LargeObjectManager.WRITE);
        Sink sink = new Sink(oid, object, mediaType);
        sinks.add(sink);
        return sink;
      } catch (SQLException e) {
        throw new StorageException("could not start an artifact", e);
      }
    }

    /**
     * Stores every artifact added, in the order added; the same bytes stored before are kept once.
     */
    public java.util.List<Artifact> commit() {
      try {
        java.util.List<Artifact> stored = new java.util.ArrayList<>();
        for (Sink sink : sinks) {
          sink.close();
          String hash = HexFormat.of().formatHex(sink.digest.digest());
          Artifact artifact = insertOrFind(connection, hash, sink.size, sink.mediaType, sink.oid);
          if (artifact == null) {
            objects.unlink(sink.oid);
            artifact =
                find(connection, hash).orElseThrow(() -> new IllegalStateException("lost " + hash));
          }
          stored.add(artifact);
        }
        connection.commit();
        done = true;
        return stored;
      } catch (SQLException e) {
        throw new StorageException("could not store artifacts", e);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write artifact bytes", e);
      }
    }

    /** Ends the batch: what was not committed is discarded. */
    @Override
    public void close() {
      if (!done) {
        closeQuietly(connection);
      } else {
        try {
          connection.close();
        } catch (SQLException e) {
          throw new StorageException("could not release a connection", e);
        }
      }
    }
  }

  /** One artifact of a batch: counts, hashes and writes its bytes in chunks. */
  private static final class Sink extends OutputStream {
    private final long oid;
    private final LargeObject object;
    private final OutputStream out;
    private final String mediaType;
    private final MessageDigest digest = sha256();
    private long size;
    private boolean closed;

    Sink(long oid, LargeObject object, String mediaType) throws SQLException {
      this.oid = oid;
      this.object = object;
      this.out = new java.io.BufferedOutputStream(object.getOutputStream(), CHUNK);
      this.mediaType = mediaType;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      size += len;
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        out.close();
        try {
          object.close();
        } catch (SQLException e) {
          throw new IOException("could not close a large object", e);
        }
      }
    }
  }

  /** Stores a small byte array; see {@link #store(InputStream, String)}. */
  public Artifact store(byte[] content, String mediaType) {
    return store(new java.io.ByteArrayInputStream(content), mediaType);
  }

  public Optional<Artifact> find(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      return Optional.empty();
    }
    try (Connection connection = dataSource.getConnection()) {
      return find(connection, sha256);
    } catch (SQLException e) {
      throw new StorageException("could not look up artifact " + sha256, e);
    }
  }

  /**
   * @throws ArtifactNotFoundException when no artifact has this hash
   */
  public Artifact get(String sha256) {
    return find(sha256).orElseThrow(() -> new ArtifactNotFoundException(sha256));
  }

  /**
   * Opens the artifact for reading.
   *
   * @throws ArtifactNotFoundException when no artifact has this hash
   */
  public ArtifactContent open(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new ArtifactNotFoundException(sha256);
    }
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      Long oid = null;
      Artifact artifact = null;
      try (PreparedStatement select =
          connection.prepareStatement(
              "select size_bytes, media_type, created_at, content from artifact where sha256 = ?")) {
        select.setString(1, sha256);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            artifact = artifact(sha256, row);
            oid = row.getLong("content");
          }
        }
      }
      if (artifact == null) {
        throw new ArtifactNotFoundException(sha256);
      }
      LargeObject object = largeObjects(connection).open(oid, LargeObjectManager.READ);
      Connection owned = connection;
      connection = null;
      return new ArtifactContent(
          artifact,
          object.getInputStream(CHUNK, Long.MAX_VALUE),
          () -> {
            try (owned) {
              object.close();
              owned.commit();
            }
          });
    } catch (SQLException e) {
      throw new StorageException("could not open artifact " + sha256, e);
    } finally {
      if (connection != null) {
        closeQuietly(connection);
      }
    }
  }

  /** Writes the artifact's bytes to {@code out} (not closed) and returns how many there were. */
  public long copyTo(String sha256, OutputStream out) {
    try (ArtifactContent content = open(sha256)) {
      return copy(content.stream(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("could not copy artifact " + sha256, e);
    }
  }

  /** Reads a small artifact whole; for large ones use {@link #open(String)}. */
  public byte[] readAllBytes(String sha256) {
    try (ArtifactContent content = open(sha256)) {
      return content.stream().readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read artifact " + sha256, e);
    }
  }

  /**
   * Removes the artifact and its bytes when nothing refers to it any more: no model, dataset file,
   * checkpoint or job result. The check and the delete are one statement, so a reference added
   * meanwhile keeps the artifact.
   *
   * @return whether it was removed
   */
  public boolean deleteIfUnreferenced(String sha256) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement delete =
          connection.prepareStatement(
              "delete from artifact a where a.sha256 = ? and "
                  + UNREFERENCED
                  + " returning content")) {
        delete.setString(1, sha256);
        boolean removed = false;
        try (ResultSet row = delete.executeQuery()) {
          if (row.next()) {
            largeObjects(connection).unlink(row.getLong(1));
            removed = true;
          }
        }
        connection.commit();
        return removed;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException("could not delete artifact " + sha256, e);
    }
  }

  /**
   * Inserts the artifact row, or, when the same bytes are stored already, marks that row touched
   * now (so that a sweep leaves it to the upload that is about to refer to it) and returns null.
   */
  /**
   * What a sweep removed.
   *
   * @param artifacts artifact rows (and their bytes) that nothing referred to
   * @param largeObjects large objects that no artifact row held
   */
  public record Sweep(int artifacts, int largeObjects) {}

  /**
   * Removes the artifacts nothing refers to that were last stored before {@code untouchedSince},
   * and the large objects no artifact holds. Bytes stored after the cutoff stay, so a sweep never
   * takes the bytes of an upload whose rows are not written yet; storing the same bytes again
   * renews them. When another instance is sweeping, this call does nothing.
   */
  public Sweep sweep(Instant untouchedSince) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement lock =
                connection.prepareStatement("select pg_try_advisory_xact_lock(?)");
            ResultSet locked = bind(lock, SWEEP_LOCK).executeQuery()) {
          locked.next();
          if (!locked.getBoolean(1)) {
            connection.rollback();
            return new Sweep(0, 0);
          }
        }
        LargeObjectManager objects = largeObjects(connection);
        int removedArtifacts = 0;
        try (PreparedStatement delete =
            connection.prepareStatement(
                "delete from artifact a where a.touched_at < ? and "
                    + UNREFERENCED
                    + " returning content")) {
          delete.setTimestamp(1, Timestamp.from(untouchedSince));
          try (ResultSet rows = delete.executeQuery()) {
            while (rows.next()) {
              objects.unlink(rows.getLong(1));
              removedArtifacts++;
            }
          }
        }
        int removedObjects = 0;
        // A large object being written by a store that has not committed is invisible here, so
        // only objects whose artifact row is really gone are found.
        try (PreparedStatement orphans =
                connection.prepareStatement(
                    """
                    select m.oid from pg_largeobject_metadata m
                    where not exists (select 1 from artifact a where a.content = m.oid)
                    """);
            ResultSet rows = orphans.executeQuery()) {
          while (rows.next()) {
            objects.unlink(rows.getLong(1));
            removedObjects++;
          }
        }
        connection.commit();
        return new Sweep(removedArtifacts, removedObjects);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException("could not sweep unused artifacts", e);
    }
  }

  private static PreparedStatement bind(PreparedStatement statement, long value)
      throws SQLException {
    statement.setLong(1, value);
    return statement;
  }

  private Artifact insertOrFind(
      Connection connection, String hash, long size, String mediaType, long oid)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            """
            insert into artifact (sha256, size_bytes, media_type, content, created_at, touched_at)
            values (?, ?, ?, ?, ?, ?)
            on conflict (sha256) do update set touched_at = excluded.touched_at
            returning content
            """)) {
      Timestamp now = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS));
      insert.setString(1, hash);
      insert.setLong(2, size);
      insert.setString(3, mediaType);
      insert.setLong(4, oid);
      insert.setTimestamp(5, now);
      insert.setTimestamp(6, now);
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        if (row.getLong(1) != oid) {
          return null;
        }
      }
      return new Artifact(hash, size, mediaType, now.toInstant());
    }
  }

  private static Optional<Artifact> find(Connection connection, String sha256) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "select size_bytes, media_type, created_at from artifact where sha256 = ?")) {
      select.setString(1, sha256);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(artifact(sha256, row)) : Optional.empty();
      }
    }
  }

  private static Artifact artifact(String sha256, ResultSet row) throws SQLException {
    return new Artifact(
        sha256,
        row.getLong("size_bytes"),
        row.getString("media_type"),
        row.getTimestamp("created_at").toInstant());
  }

  private static LargeObjectManager largeObjects(Connection connection) throws SQLException {
    return connection.unwrap(PGConnection.class).getLargeObjectAPI();
  }

  private static long copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[CHUNK];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
      total += n;
    }
    return total;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.rollback();
      connection.close();
    } catch (SQLException ignored) {
      // The connection is being discarded after a failure already reported.
    }
  }
}
