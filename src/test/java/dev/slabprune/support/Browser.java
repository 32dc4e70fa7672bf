package dev.slabprune.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through its ChromeDriver: Debian's {@code chromium} and {@code
 * chromium-driver} packages ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}), which
 * {@code .ci/run} installs. Where they are missing, {@link #start()} skips the test, saying so, on
 * a developer's machine, and fails it in CI ({@code CI=true}).
 *
 * <p>Each browser gets a fresh profile folder and nothing that talks to the network on its own (no
 * sync, component updates or background requests): it sees only the service under test. Nothing is
 * downloaded: the driver and the browser are the installed ones.
 */
public final class Browser implements AutoCloseable {

  /** Where {@link #screenshot(String)} writes, for people to look at after the build. */
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ChromeDriver driver;
  private final Path profile;
  private final Path downloads;

  private Browser(ChromeDriver driver, Path profile, Path downloads) {
    this.driver = driver;
    this.profile = profile;
    this.downloads = downloads;
  }

  /** Starts a headless Chromium with a fresh profile; skips or fails where it is not installed. */
  public static Browser start() {
    requireInstalled();
    Path profile;
    Path downloads;
    try {
      profile = Files.createTempDirectory("slabprune-chromium-");
      downloads = Files.createDirectories(profile.resolve("downloads"));
      Files.createDirectories(Path.of("target"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--window-size=1280,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toAbsolutePath().toString(),
            "download.prompt_for_download",
            false));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(new File("target/chromedriver.log"))
            .build();
    try {
      return new Browser(new ChromeDriver(service, options), profile, downloads);
    } catch (RuntimeException e) {
      deleteRecursively(profile);
      throw e;
    }
  }

  public WebDriver driver() {
    return driver;
  }

  /** Runs a script in the page and returns its result (as {@code executeScript} does). */
  public Object script(String source, Object... arguments) {
    return driver.executeScript(source, arguments);
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Waits until the condition gives a value other than null or false, and returns it. */
  public <T> T await(Function<WebDriver, T> condition) {
    return await(WAIT, condition);
  }

  /** As {@link #await(Function)}, for at most {@code timeout}. */
  public <T> T await(Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout).until(condition::apply);
  }

  /** Waits for an element to be shown and returns it. */
  public WebElement awaitVisible(By locator) {
    return new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  /** Waits for an element to be shown and enabled, then clicks it. */
  public void click(By locator) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(locator)).click();
  }

  /** Scrolls the page so that the element is in the middle of the window. */
  public void scrollTo(WebElement element) {
    driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
  }

  /** Saves what the window shows as {@code target/screenshots/<name>.png} and returns the file. */
  public Path screenshot(String name) {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Path target = SCREENSHOTS.resolve(name + ".png");
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  /**
   * Saves the whole page, not only what the window shows, as {@code target/screenshots/<name>.png}:
   * the window is made as tall as the page (at most 8000 pixels) for the shot.
   */
  public Path screenshotFullPage(String name) {
    Dimension window = driver.manage().window().getSize();
    long height =
        ((Number)
                driver.executeScript(
                    "return Math.max(document.documentElement.scrollHeight,"
                        + " document.body.scrollHeight)"))
            .longValue();
    driver
        .manage()
        .window()
        .setSize(new Dimension(window.getWidth(), (int) Math.min(8000, height)));
    try {
      return screenshot(name);
    } finally {
      driver.manage().window().setSize(window);
    }
  }

  /**
   * Runs a script in every page this browser opens from now on, before the page's own scripts;
   * returns what {@link #removeScriptOnEveryPage(String)} takes to stop it.
   */
  public String addScriptOnEveryPage(String source) {
    return (String)
        driver
            .executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source))
            .get("identifier");
  }

  public void removeScriptOnEveryPage(String identifier) {
    driver.executeCdpCommand(
        "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", identifier));
  }

  /**
   * Waits for a download named {@code name} to be complete in this browser's download folder and
   * returns its bytes.
   */
  public byte[] awaitDownload(String name) {
    Path file = downloads.resolve(name);
    await(d -> Files.isRegularFile(file) && !Files.exists(downloads.resolve(name + ".crdownload")));
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The console's errors since the last call (failed requests and uncaught script errors). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteRecursively(profile);
    }
  }

  private static void requireInstalled() {
    for (Path tool : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (Files.isExecutable(tool)) {
        continue;
      }
      String message =
          tool
              + " is missing: the browser tests drive Debian's Chromium through its ChromeDriver"
              + " (apt-get install chromium chromium-driver).";
      // A newcomer's machine with only a JDK skips them; CI, whose .ci/run installs both, must
      // run them.
      if (!"true".equals(System.getenv("CI"))) {
        Assumptions.abort(message);
      }
      throw new IllegalStateException(message);
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // A temporary profile that outlives the run is harmless.
    }
  }
}
