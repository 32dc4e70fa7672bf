package dev.slabprune.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.support.BrowserTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real browser, as a person uses it with an API key: upload a model and a
 * dataset, start a job with the contract's settings, watch it train, read every plot of its report,
 * re-prune with the slider, download the pruned model; the path plot from a report that has a path;
 * cancelling.
 */
@TestPropertySource(
    properties = {
      "slabprune.security.api-keys=dashboard:" + DashboardBrowserTest.KEY_SHA256,
      "slabprune.worker.enabled=true",
      "slabprune.worker.workers=1",
      "slabprune.worker.poll-interval=100ms",
      // progress reaches the page with each heartbeat
      "slabprune.worker.heartbeat-interval=300ms"
    })
class DashboardBrowserTest extends BrowserTest {

  static final String KEY = "dashboard-browser-test-key";

  /** SHA-256 of {@link #KEY}, as the service's configuration takes it. */
  static final String KEY_SHA256 =
      "c81635f7b008e89df7d80ff8cb33f943bf971b962647053c59e2a8447a989f5f";

  private static final Path MODEL = Path.of("examples", "digits-mlp.onnx");
  private static final Path DATA = Path.of("examples", "digits.csv");

  /**
   * At most this many epochs (the posterior's stopping rule may end training sooner): long enough,
   * some seconds, to watch the progress move; the network is 64-32-16-10.
   */
  private static final int EPOCHS = 400;

  private static final Duration JOB_WAIT = Duration.ofMinutes(3);
  private static final Pattern JOB_PAGE = Pattern.compile("#/jobs/([0-9a-f-]{36})$");

  @Autowired JsonMapper json;

  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void leaveNoJobDue() throws Exception {
    for (JsonNode job : api("/api/v1/jobs?size=200").path("items")) {
      String state = job.path("state").asString();
      if (state.equals("QUEUED") || state.equals("RUNNING")) {
        send("POST", "/api/v1/jobs/" + job.path("id").asString() + "/cancel");
      }
    }
  }

  @Test
  void aPersonUploadsStartsWatchesReadsEveryPlotReprunesWithTheSliderAndDownloadsTheModel()
      throws Exception {
    assertThat(sha256(KEY)).isEqualTo(KEY_SHA256);
    browser().open(url("/"));
    browser().screenshot("landing-page");
    browser().click(By.id("link-dashboard"));
    // Without a key the API refuses, and the page says what to do.
    assertThat(browser().awaitVisible(By.id("notice")).getText()).contains("API key");
    useKey();
    browser().await(d -> !d.findElements(By.cssSelector("#jobs, #no-jobs")).isEmpty());
    assertThat(browser().driver().getCurrentUrl()).doesNotContain(KEY);
    browser().consoleErrors(); // the refused request before the key was entered

    // Upload both files and start a job; the defaults shown come from the contract.
    browser().click(By.id("new-job"));
    openUpload("model");
    browser().awaitVisible(By.id("upload-model-file")).sendKeys(abs(MODEL));
    browser().click(By.id("upload-model-submit"));
    awaitText("#upload-model-status", "Uploaded");
    openUpload("dataset");
    browser().driver().findElement(By.id("upload-dataset-file")).sendKeys(abs(DATA));
    new Select(browser().driver().findElement(By.id("upload-dataset-task")))
        .selectByValue("CLASSIFICATION");
    browser().click(By.id("upload-dataset-submit"));
    awaitText("#upload-dataset-status", "Uploaded");
    assertThat(value(By.id("model-choice"))).isNotEmpty();
    assertThat(value(By.id("dataset-choice"))).isNotEmpty();
    assertThat(text("#job-settings-batchSize-hint")).contains("default 128");
    assertThat(text("#job-settings-maxAccuracyDrop-hint")).contains("default 0.01");
    assertThat(text("#job-settings-fineTuneEpochs-hint")).contains("default 3");
    assertThat(text("#job-validationFraction-hint")).contains("by default 10%, or enough for 200");
    // A rule of the user's own instead of the quality budget, so that the slider below starts
    // at the job's threshold.
    type("job-settings-threshold", 0.5);
    type("job-settings-epochs", EPOCHS);
    type("job-settings-batchSize", 32);
    type("job-settings-learningRate", 0.01);
    type("job-settings-fineTuneEpochs", 1);
    type("job-settings-evaluationSamples", 5);
    type("job-seed", 7);
    browser().screenshotFullPage("dashboard-new-job");
    browser().click(By.id("start-job"));
    String jobId = awaitJobPage(null);

    // The job page: the progress moves (this job may end within seconds; the live curves are
    // watched on the long job below).
    double moving = browser().await(JOB_WAIT, d -> positive(progress("#job-progress")));
    browser().await(JOB_WAIT, d -> progress("#job-progress") > moving);

    // The jobs list follows a job live: a long one (one example per step, queued once the first
    // has ended, since the engine may finish a short job before the list is open); its page
    // draws the curves while it trains; then it is cancelled.
    String row = "#job-" + jobId;
    browser().await(JOB_WAIT, d -> "SUCCEEDED".equals(attribute("#job-header", "data-state")));
    String longJob = startJob(EPOCHS, 1);
    browser().click(By.id("nav-jobs"));
    String longRow = "#job-" + longJob;
    String rowProgress = longRow + " progress";
    browser().awaitVisible(By.cssSelector(longRow));
    browser().await(JOB_WAIT, d -> "RUNNING".equals(attribute(longRow, "data-state")));
    double listed = browser().await(JOB_WAIT, d -> positive(progress(rowProgress)));
    browser().await(JOB_WAIT, d -> progress(rowProgress) > listed);
    browser().screenshot("dashboard-jobs");
    browser().click(By.cssSelector(longRow + " a"));
    String drawnWhile =
        browser()
            .await(
                JOB_WAIT,
                d -> {
                  // null until the job's page is shown
                  String state = attribute("#job-header", "data-state");
                  if (state != null && points("chart-elbo") > 0 && points("chart-kl") > 0) {
                    return state;
                  }
                  return state == null || state.equals("QUEUED") || state.equals("RUNNING")
                      ? null
                      : "ended first";
                });
    assertThat(drawnWhile).isEqualTo("RUNNING");
    assertThat(painted("#chart-elbo canvas")).isTrue();
    assertThat(painted("#chart-kl canvas")).isTrue();
    send("POST", "/api/v1/jobs/" + longJob + "/cancel");
    browser().click(By.id("nav-jobs"));
    browser().await(JOB_WAIT, d -> "CANCELLED".equals(attribute(longRow, "data-state")));
    browser().awaitVisible(By.cssSelector(row));
    assertThat(attribute(row, "data-state")).isEqualTo("SUCCEEDED");

    // Filtering by state.
    new Select(browser().driver().findElement(By.id("state-filter"))).selectByValue("FAILED");
    browser().awaitVisible(By.id("no-jobs"));
    new Select(browser().awaitVisible(By.id("state-filter"))).selectByValue("SUCCEEDED");
    browser().awaitVisible(By.cssSelector(row));
    assertThat(browser().driver().getCurrentUrl()).endsWith("#/jobs?state=SUCCEEDED");

    // The finished job: every plot of the report.
    browser().click(By.cssSelector("#job-" + jobId + " a"));
    awaitReport();
    JsonNode report = api("/api/v1/jobs/" + jobId + "/report");
    for (String chart : List.of("elbo", "kl", "nll", "density")) {
      assertThat(points("chart-" + chart)).as(chart).isEqualTo(report.path("history").size());
      assertThat(painted("#chart-" + chart + " canvas")).as(chart).isTrue();
    }
    assertThat(attribute("#chart-density", "data-series")).isEqualTo("density|validation score");
    assertThat(text("#chart-kl .u-legend")).contains("KL");
    if (report.path("path").isEmpty()) {
      assertThat(text("#path-empty")).contains("no path");
    } else {
      assertThat(count("#path-plot")).isOne();
    }
    assertThat(count("#nodes-chart g[data-series='before'] rect")).isEqualTo(4);
    assertThat(numbers("#nodes-chart g[data-series='after'] .bar-value"))
        .containsExactlyElementsOf(longs(report.path("pruning").path("survivingArchitecture")));
    int[] widths = {64, 32, 16, 10};
    for (int layer = 0; layer < 3; layer++) {
      String bars = "#pip-histogram-" + layer + " g[data-series='weights'] ";
      assertThat(count(bars + "rect")).isEqualTo(10);
      assertThat(numbers(bars + ".bar-value").stream().mapToLong(Long::longValue).sum())
          .isEqualTo((long) widths[layer] * widths[layer + 1]);
    }
    assertThat(attribute("#input-pip-map", "aria-label")).contains("8×8");
    assertThat(painted("#input-pip-map")).isTrue();
    assertThat(count("#scores-table tbody tr")).isEqualTo(5);
    if (report.path("budget").isObject()) {
      assertThat(attribute("#budget", "data-met"))
          .isEqualTo(String.valueOf(report.path("budget").path("met").asBoolean()));
    } else {
      assertThat(text("#budget")).contains("no budget");
    }
    assertThat(count("#warnings li")).isEqualTo(report.path("warnings").size());
    assertThat(count("#phases-table tbody tr")).isEqualTo(report.path("phases").size());
    assertThat(attribute("#phases-table tbody tr", "data-phase"))
        .isEqualTo(report.path("phases").path(0).path("name").asString());
    long kept = report.path("pruning").path("keptWeights").asLong();
    assertThat(text("#weights-kept")).startsWith(String.format("%,d of", kept));
    browser().screenshotFullPage("dashboard-job-finished");

    // The slider: at the job's threshold it shows what the job kept; higher, fewer.
    WebElement slider = browser().awaitVisible(By.id("reprune-threshold"));
    browser().scrollTo(slider);
    browser().await(d -> attribute("#reprune-preview", "data-weights"));
    assertThat(Long.parseLong(attribute("#reprune-preview", "data-weights"))).isEqualTo(kept);
    assertThat(attribute("#reprune-preview", "data-architecture"))
        .isEqualTo(join(report.path("pruning").path("survivingArchitecture")));
    for (int step = 0; step < 80; step++) {
      slider.sendKeys(Keys.ARROW_RIGHT);
    }
    assertThat(text("#reprune-threshold-value")).isEqualTo("0.900");
    long preview = Long.parseLong(attribute("#reprune-preview", "data-weights"));
    String previewArchitecture = attribute("#reprune-preview", "data-architecture");
    assertThat(preview).isPositive().isLessThan(kept);
    assertThat(text("#reprune-submit")).isEqualTo("Re-prune at 0.900");
    browser().screenshot("dashboard-reprune-slider");
    browser().click(By.id("reprune-submit"));

    // The re-pruning is a job of its own, followed on its page; it keeps what the slider said.
    String repruneId = awaitJobPage(jobId);
    awaitReport();
    JsonNode reprune = api("/api/v1/jobs/" + repruneId + "/report");
    assertThat(reprune.path("sourceJobId").asString()).isEqualTo(jobId);
    assertThat(reprune.path("pruning").path("rule").path("threshold").asDouble()).isEqualTo(0.9);
    assertThat(reprune.path("pruning").path("keptWeights").asLong()).isEqualTo(preview);
    assertThat(join(reprune.path("pruning").path("survivingArchitecture")))
        .isEqualTo(previewArchitecture);
    assertThat(text("#weights-kept")).startsWith(String.format("%,d of", preview));
    assertThat(text("#job-header")).contains("Re-prunes").contains(jobId.substring(0, 8));

    // The download is the bytes the API serves.
    browser().scrollTo(browser().awaitVisible(By.id("download-artifact")));
    browser().click(By.id("download-artifact"));
    String name = browser().await(d -> attribute("#download-status", "data-file"));
    assertThat(name).isEqualTo("pruned-" + repruneId + ".onnx");
    assertThat(browser().awaitDownload(name))
        .isEqualTo(bytes("/api/v1/jobs/" + repruneId + "/artifact"));
    assertThat(browser().consoleErrors()).isEmpty();
    assertThat((String) browser().script("return sessionStorage.getItem('slabprune.apiKey')"))
        .isEqualTo(KEY);
  }

  @Test
  void heldOutRowsChosenOnTheFormAreTheJobsSplitsAndItsPageAndReportSaySo() throws Exception {
    // The example's first 600 rows train; the other 299 are uploaded on the form as held out.
    List<String> lines = Files.readAllLines(DATA);
    Path dir = Files.createTempDirectory("slabprune-held-out-");
    Path train = Files.write(dir.resolve("digits-train.csv"), lines.subList(0, 601));
    List<String> rest = new ArrayList<>(List.of(lines.get(0)));
    rest.addAll(lines.subList(601, lines.size()));
    Path heldOutRows = Files.write(dir.resolve("digits-held-out.csv"), rest);
    String model = upload("/api/v1/models", MODEL, List.of());
    String dataset = upload("/api/v1/datasets", train, List.of("task", "CLASSIFICATION"));
    Path copy = Files.copy(train, dir.resolve("digits-copy.csv"));
    String sameFiles = upload("/api/v1/datasets", copy, List.of("task", "CLASSIFICATION"));
    browser().open(url("/dashboard/"));
    useKey();
    openFresh(url("/dashboard/#/new"));
    browser().consoleErrors(); // the jobs list, refused before the key was entered

    // Optional: none is chosen until the person chooses, and the hint says what it is for.
    browser().awaitVisible(By.id("held-out-choice"));
    assertThat(value(By.id("held-out-choice"))).isEmpty();
    assertThat(text("#held-out-hint")).contains("never saw").contains("quality budget");
    new Select(element("model-choice")).selectByValue(model);
    new Select(element("dataset-choice")).selectByValue(dataset);
    assertThat(attribute("#held-out-choice option[value='" + dataset + "']", "disabled"))
        .as("the dataset cannot hold out its own rows")
        .isNotNull();
    // A choice the service refuses is marked with its reason.
    new Select(element("held-out-choice")).selectByValue(sameFiles);
    browser().click(By.id("start-job"));
    awaitText("#held-out-error", "holds the same files");
    assertThat(attribute("#held-out-choice", "aria-invalid")).isEqualTo("true");
    assertThat(browser().consoleErrors())
        .singleElement()
        .asString()
        .contains("/api/v1/jobs - ")
        .contains("400");
    openUpload("held-out");
    element("upload-held-out-file").sendKeys(abs(heldOutRows));
    new Select(element("upload-held-out-task")).selectByValue("CLASSIFICATION");
    browser().click(By.id("upload-held-out-submit"));
    awaitText("#upload-held-out-status", "Uploaded");
    String heldOut = value(By.id("held-out-choice"));
    assertThat(heldOut).isNotEmpty().isNotEqualTo(dataset);
    assertThat(value(By.id("dataset-choice"))).isEqualTo(dataset);
    assertThat(count("#dataset-choice option[value='" + heldOut + "']"))
        .as("an upload in one dataset panel is a choice in the other")
        .isOne();
    assertThat(element("job-validationFraction").isEnabled()).isFalse();
    assertThat(element("job-testFraction").isEnabled()).isFalse();
    type("job-settings-epochs", 3);
    type("job-settings-fineTuneEpochs", 1);
    type("job-settings-evaluationSamples", 5);
    type("job-seed", 5);
    browser().screenshotFullPage("dashboard-new-job-held-out");
    browser().click(By.id("start-job"));
    String jobId = awaitJobPage(null);

    // The job holds the rows out, its page says which, and its report measures on them.
    assertThat(api("/api/v1/jobs/" + jobId).path("heldOutDatasetId").asString()).isEqualTo(heldOut);
    awaitText("#job-held-out", heldOut.substring(0, 8));
    assertThat(text("#job-held-out")).contains("never saw");
    awaitReport();
    JsonNode report = api("/api/v1/jobs/" + jobId + "/report");
    JsonNode splits = report.path("provenance").path("splits");
    assertThat(splits.path("heldOut").asBoolean()).isTrue();
    assertThat(splits.path("trainRows").asInt()).isEqualTo(600);
    assertThat(splits.path("validationRows").asInt() + splits.path("testRows").asInt())
        .isEqualTo(299);
    assertThat(text("#scores-table caption"))
        .contains(splits.path("testRows").asInt() + " rows of the held-out dataset");
    assertThat(report.path("budget").path("referenceSource").asString())
        .isEqualTo("upload-held-out");
    assertThat(text("#budget")).contains("on rows it never saw").contains("of the held-out rows");
    browser().screenshotFullPage("dashboard-job-held-out");
    assertThat(browser().consoleErrors()).isEmpty();
  }

  @Test
  void thePathPlotSaysSoWithoutAPathAndDrawsTheCandidatesTheDeliveredOneAndTheLimitWithOne()
      throws Exception {
    String jobId = finishedJob(3);
    String page = url("/dashboard/#/jobs/" + jobId);
    browser().open(url("/dashboard/"));
    useKey();

    // The report as the service makes it: the path along training, drawn.
    openFresh(page);
    awaitReport();
    int scored = 0;
    for (JsonNode point : api("/api/v1/jobs/" + jobId + "/report").path("path")) {
      if (point.path("validationScore").isNumber()) {
        scored++;
      }
    }
    assertThat(scored).isPositive();
    assertThat(count("#path-empty")).isZero();
    assertThat(count("#path-plot")).isOne();
    assertThat(count("#path-table tbody tr")).isEqualTo(scored);

    // A report stored before there was a path says so instead of failing.
    String none =
        """
        {"path": null, "budget": null}
        """;
    String old = browser().addScriptOnEveryPage(reportWith(none));
    try {
      openFresh(page);
      awaitReport();
      assertThat(text("#path-empty")).contains("This report has no path");
      assertThat(count("#path-plot")).isZero();
    } finally {
      browser().removeScriptOnEveryPage(old);
    }

    // A report with a path and a budget that was met: the fetch of the report is intercepted.
    String met =
        """
        {"path": [
          {"epoch": 2, "weights": 2400, "nodes": [32, 16], "inputs": 64, "density": 0.88,
           "validationScore": 0.955, "fineTuned": true, "withinBudget": true, "delivered": false},
          {"epoch": 3, "weights": 1500, "nodes": [30, 16], "inputs": 60, "density": 0.55,
           "validationScore": 0.951, "fineTuned": true, "withinBudget": true, "delivered": false},
          {"epoch": 4, "weights": 900, "nodes": [27, 14], "inputs": 52, "density": 0.33,
           "validationScore": 0.948, "fineTuned": true, "withinBudget": true, "delivered": true},
          {"epoch": 5, "weights": 400, "nodes": [20, 12], "inputs": 40, "density": 0.15,
           "validationScore": 0.90, "fineTuned": true, "withinBudget": false, "delivered": false},
          {"epoch": 5, "weights": 150, "nodes": [9, 8], "inputs": 22, "density": 0.055,
           "validationScore": 0.71, "fineTuned": true, "withinBudget": false, "delivered": false}],
         "budget": {"metric": "accuracy", "maxAccuracyDrop": 0.01, "maxRelativeRmseIncrease": null,
           "reference": 0.955, "referenceSource": "upload-less-optimism", "limit": 0.945,
           "magnitudeLimit": 0.975, "met": true,
           "delivered": {"epoch": 4, "weights": 900, "nodes": [27, 14], "inputs": 52,
             "validationScore": 0.948},
           "advice": null, "confirmationReference": 0.96, "confirmationLimit": 0.95,
           "confirmationScore": 0.9625, "confirmationMargin": 0.0075, "confirmationRows": 400}}
        """;
    String script = browser().addScriptOnEveryPage(reportWith(met));
    try {
      openFresh(page);
      awaitReport();
      assertThat(count("#path-empty")).isZero();
      assertThat(count("#path-plot g[data-series='within budget'] circle")).isEqualTo(2);
      assertThat(count("#path-plot g[data-series='outside budget'] circle")).isEqualTo(2);
      assertThat(count("#path-plot g[data-series='delivered'] path")).isEqualTo(1);
      assertThat(
              browser()
                  .driver()
                  .findElement(By.cssSelector("#path-plot g[data-series='delivered'] title"))
                  .getAttribute("textContent"))
          .contains("epoch 4")
          .contains("900 weights")
          .contains("(delivered)");
      // The limit (0.945) is drawn between the delivered point (0.948) and the next (0.90).
      double limit = y("#path-plot g[data-line='budget limit'] line", "y1");
      double delivered = y("#path-plot g[data-series='delivered'] path", null);
      double below =
          browser()
              .driver()
              .findElements(By.cssSelector("#path-plot g[data-series='outside budget'] circle"))
              .stream()
              .mapToDouble(c -> Double.parseDouble(c.getAttribute("cy")))
              .min()
              .orElseThrow();
      assertThat(limit).isGreaterThan(delivered).isLessThan(below);
      assertThat(text("#path-plot g[data-line='budget limit']")).contains("0.945");
      assertThat(count("#path-table tbody tr")).isEqualTo(5);
      browser().click(By.cssSelector("#path details summary"));
      assertThat(text("#path-table tr.delivered td")).isEqualTo("4");
      assertThat(attribute("#budget", "data-met")).isEqualTo("true");
      assertThat(text("#budget-met")).contains("Budget met").contains("0.948");
      assertThat(text("#budget-confirmation"))
          .contains("400 test rows")
          .contains("0.9625")
          .contains("0.955")
          .contains("margin of 0.0075")
          .contains("0.95");
      assertThat(text("#budget-magnitude")).contains("0.975").contains("memory");
      browser().scrollTo(browser().driver().findElement(By.id("path")));
      browser().screenshot("dashboard-path-plot");
    } finally {
      browser().removeScriptOnEveryPage(script);
    }

    // A budget that was not met says so plainly, with the advice.
    String missed =
        """
        {"path": [
          {"epoch": 3, "weights": 700, "nodes": [20, 12], "inputs": 40, "density": 0.26,
           "validationScore": 0.91, "fineTuned": true, "withinBudget": false, "delivered": false}],
         "budget": {"metric": "accuracy", "maxAccuracyDrop": 0.01, "maxRelativeRmseIncrease": null,
           "reference": 0.955, "referenceSource": "upload", "limit": 0.945, "met": false,
           "delivered": null,
           "advice": "Allow a larger accuracy drop, train for more epochs, or keep the upload."}}
        """;
    script = browser().addScriptOnEveryPage(reportWith(missed));
    try {
      openFresh(page);
      awaitReport();
      assertThat(attribute("#budget", "data-met")).isEqualTo("false");
      assertThat(text("#budget-met")).contains("Budget not met");
      assertThat(count("#budget-confirmation")).isZero();
      assertThat(count("#budget-magnitude")).isZero();
      assertThat(text("#budget-advice"))
          .contains("Allow a larger accuracy drop, train for more epochs, or keep the upload.");
      assertThat(count("#path-plot g[data-series='delivered'] path")).isZero();
      assertThat(count("#path-plot g[data-series='outside budget'] circle")).isEqualTo(1);
    } finally {
      browser().removeScriptOnEveryPage(script);
    }
    assertThat(browser().consoleErrors()).isEmpty();
  }

  @Test
  void aRunningJobIsCancelledFromItsPage() throws Exception {
    String jobId = startJob(1000);
    browser().open(url("/dashboard/"));
    useKey();
    openFresh(url("/dashboard/#/jobs/" + jobId));
    browser().click(By.id("cancel-job"));
    browser().await(JOB_WAIT, d -> "CANCELLED".equals(attribute("#job-header", "data-state")));
    assertThat(text("#no-result")).contains("cancelled");
    assertThat(api("/api/v1/jobs/" + jobId).path("state").asString()).isEqualTo("CANCELLED");
  }

  // ---- the browser ----

  private void useKey() {
    WebElement input = browser().awaitVisible(By.id("api-key"));
    input.clear();
    input.sendKeys(KEY);
    browser().click(By.id("key-save"));
    awaitText("#key-status", "a key is in use");
  }

  /** Opens the upload form of a model or dataset (open already when the owner has none). */
  private void openUpload(String kind) {
    WebElement details = browser().awaitVisible(By.id(kind + "-upload"));
    if (details.getAttribute("open") == null) {
      details.findElement(By.tagName("summary")).click();
    }
  }

  /** Opens a page as a new document (a change of the hash alone would not load it again). */
  private void openFresh(String page) {
    browser().open("about:blank");
    browser().open(page);
  }

  private String awaitJobPage(String other) {
    return browser()
        .await(
            d -> {
              Matcher m = JOB_PAGE.matcher(d.getCurrentUrl());
              return m.find() && !m.group(1).equals(other) ? m.group(1) : null;
            });
  }

  private void awaitReport() {
    browser()
        .await(
            JOB_WAIT,
            d -> !d.findElements(By.cssSelector("#result[data-loaded='true']")).isEmpty());
  }

  private void awaitText(String css, String part) {
    browser().await(d -> text(css) != null && text(css).contains(part));
  }

  private void type(String id, Number value) {
    WebElement input = browser().driver().findElement(By.id(id));
    input.clear();
    input.sendKeys(String.valueOf(value));
  }

  /** The element's text as shown, read in one step (elements the page replaces never go stale). */
  private String text(String css) {
    return (String)
        browser()
            .script(
                "const e = document.querySelector(arguments[0]);"
                    + " return e ? e.innerText ?? e.textContent : null;",
                css);
  }

  private WebElement element(String id) {
    return browser().driver().findElement(By.id(id));
  }

  private String value(By locator) {
    return browser().driver().findElement(locator).getDomProperty("value");
  }

  private String attribute(String css, String name) {
    return (String)
        browser()
            .script(
                "const e = document.querySelector(arguments[0]);"
                    + " return e ? e.getAttribute(arguments[1]) : null;",
                css,
                name);
  }

  private int count(String css) {
    return browser().driver().findElements(By.cssSelector(css)).size();
  }

  private double progress(String css) {
    String value = attribute(css, "value");
    return value == null ? 0 : Double.parseDouble(value);
  }

  private static Double positive(double value) {
    return value > 0 ? value : null;
  }

  private int points(String chartId) {
    String points = attribute("#" + chartId, "data-points");
    return points == null ? 0 : Integer.parseInt(points);
  }

  private List<Long> numbers(String css) {
    return browser().driver().findElements(By.cssSelector(css)).stream()
        .map(e -> Long.parseLong(e.getAttribute("textContent").replace(",", "")))
        .toList();
  }

  /** The vertical position of an SVG element: an attribute, or the middle of its box. */
  private double y(String css, String attribute) {
    WebElement element = browser().driver().findElement(By.cssSelector(css));
    if (attribute != null) {
      return Double.parseDouble(element.getAttribute(attribute));
    }
    return ((Number)
            browser()
                .script("const b = arguments[0].getBBox(); return b.y + b.height / 2;", element))
        .doubleValue();
  }

  /** Whether a canvas has any pixel drawn on it. */
  private boolean painted(String css) {
    WebElement canvas = browser().driver().findElement(By.cssSelector(css));
    return (Boolean)
        browser()
            .script(
                """
                const c = arguments[0];
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
                return false;
                """,
                canvas);
  }

  /** A script that adds the fields of {@code fixture} to every report the page fetches. */
  private static String reportWith(String fixture) {
    return """
        (() => {
          const fixture = %s;
          const original = window.fetch;
          window.fetch = async (input, init) => {
            const response = await original(input, init);
            const path = new URL(typeof input === 'string' ? input : input.url, location.href).pathname;
            if (!response.ok || !/^\\/api\\/v1\\/jobs\\/[^/]+\\/report$/.test(path)) return response;
            const report = Object.assign(await response.json(), fixture);
            return new Response(JSON.stringify(report),
                {status: 200, headers: {'Content-Type': 'application/json'}});
          };
        })();
        """
        .formatted(fixture);
  }

  private static String abs(Path path) {
    return path.toAbsolutePath().toString();
  }

  private static List<Long> longs(JsonNode array) {
    return array.valueStream().map(JsonNode::asLong).toList();
  }

  private static String join(JsonNode array) {
    return String.join("-", array.valueStream().map(JsonNode::asString).toList());
  }

  // ---- the API, as the key's owner ----

  /** A job of the example model and data, trained for {@code epochs}, finished. */
  private String finishedJob(int epochs) throws Exception {
    String id = startJob(epochs);
    long deadline = System.nanoTime() + JOB_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String state = api("/api/v1/jobs/" + id).path("state").asString();
      if (state.equals("SUCCEEDED")) {
        return id;
      }
      assertThat(state).isIn("QUEUED", "RUNNING");
      Thread.sleep(200);
    }
    throw new AssertionError("job " + id + " did not finish within " + JOB_WAIT);
  }

  private String startJob(int epochs) throws Exception {
    return startJob(epochs, 32);
  }

  private String startJob(int epochs, int batchSize) throws Exception {
    String model = upload("/api/v1/models", MODEL, List.of());
    String dataset = upload("/api/v1/datasets", DATA, List.of("task", "CLASSIFICATION"));
    String body =
        """
        {"modelId": "%s", "datasetId": "%s", "seed": 5,
         "settings": {"epochs": %d, "batchSize": %d, "learningRate": 0.01, "fineTuneEpochs": 1,
                      "evaluationSamples": 5}}
        """
            .formatted(model, dataset, epochs, batchSize);
    HttpResponse<String> created =
        http.send(
            request("/api/v1/jobs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return json.readTree(created.body()).path("id").asString();
  }

  private String upload(String path, Path file, List<String> fields) throws Exception {
    String boundary = "----slabprune" + UUID.randomUUID();
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < fields.size(); i += 2) {
      head.append("--")
          .append(boundary)
          .append("\r\nContent-Disposition: form-data; name=\"")
          .append(fields.get(i))
          .append("\"\r\n\r\n")
          .append(fields.get(i + 1))
          .append("\r\n");
    }
    head.append("--")
        .append(boundary)
        .append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
        .append(file.getFileName())
        .append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> response =
        http.send(
            request(path)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(
                    HttpRequest.BodyPublishers.ofByteArrays(
                        List.of(
                            head.toString().getBytes(StandardCharsets.UTF_8),
                            Files.readAllBytes(file),
                            tail)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return json.readTree(response.body()).path("id").asString();
  }

  private JsonNode api(String path) throws Exception {
    HttpResponse<String> response =
        http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private byte[] bytes(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private void send(String method, String path) throws IOException, InterruptedException {
    http.send(
        request(path).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + KEY);
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
