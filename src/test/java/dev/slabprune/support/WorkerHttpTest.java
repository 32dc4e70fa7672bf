package dev.slabprune.support;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

/**
 * The base of the tests that use the service over HTTP as a client does: the whole service on a
 * random port against the test database, with one worker that takes a queued job within a tenth of
 * a second, and a client ({@link #http}) that holds every exchange to the OpenAPI document. A
 * subclass adds settings with {@code @TestPropertySource}. The service stops after its class. The
 * test classes of a JVM share one database and its owner, so the jobs created per minute are
 * counted across classes: the limit is raised here, and the tests of the limit set their own.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "slabprune.worker.enabled=true",
      "slabprune.worker.workers=1",
      "slabprune.worker.poll-interval=100ms",
      "slabprune.worker.heartbeat-interval=200ms",
      "slabprune.worker.heartbeat-timeout=2s",
      "slabprune.jobs.per-owner-per-minute=1000"
    })
@DirtiesContext
public abstract class WorkerHttpTest {

  @LocalServerPort private int port;

  /** A client of the service, new for each test. */
  protected RestClient http;

  @BeforeEach
  protected void client() {
    http = ValidatedHttp.client("http://127.0.0.1:" + port);
  }
}
