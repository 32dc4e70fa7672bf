package dev.slabprune.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The base of the tests that use the service as a person does: the whole service on a random port
 * against the test database, and one headless {@link Browser} per test class. Without Chromium the
 * class is skipped before the service starts (and fails in CI). A subclass configures the service
 * with {@code @TestPropertySource}, such as API keys. The service stops after its class, so that
 * its connections to the test database are not held while the rest of the suite runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class BrowserTest {

  private static Browser browser;

  @LocalServerPort private int port;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }

  protected Browser browser() {
    return browser;
  }

  /** The service's address of a path, such as {@code url("/swagger-ui.html")}. */
  protected String url(String path) {
    return "http://localhost:" + port + path;
  }
}
