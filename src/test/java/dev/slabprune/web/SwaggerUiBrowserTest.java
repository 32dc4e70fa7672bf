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
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.test.context.TestPropertySource;

/**
 * Swagger UI over the contract, in a real browser: the document it shows is openapi/openapi.yaml
 * byte for byte, and "Try it out" with an API key lists the models of the key's owner.
 */
@TestPropertySource(
    properties = "slabprune.security.api-keys=swagger-ui:" + SwaggerUiBrowserTest.KEY_SHA256)
class SwaggerUiBrowserTest extends BrowserTest {

  static final String KEY = "swagger-ui-browser-test-key";

  /** SHA-256 of {@link #KEY}, as the service's configuration takes it. */
  static final String KEY_SHA256 =
      "ed24a7406b7fdfa976605ae39e719ee9f091e18bc3f008ff8cf7c540f73feb02";

  private static final Path CONTRACT = Path.of("openapi", "openapi.yaml");

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theLandingPageLinksSwaggerUiTheDashboardAndTheHealth() {
    browser().open(url("/"));

    assertThat(browser().awaitVisible(By.tagName("h1")).getText()).isEqualTo("slabprune");
    assertThat(href("link-swagger-ui")).isEqualTo(url("/swagger-ui.html"));
    assertThat(href("link-dashboard")).isEqualTo(url("/dashboard/"));
    assertThat(href("link-health")).isEqualTo(url("/actuator/health"));
    browser().screenshot("landing-page");
    assertThat(browser().consoleErrors()).isEmpty();

    browser().click(By.id("link-health"));
    assertThat(browser().awaitVisible(By.tagName("body")).getText()).contains("\"status\":\"UP\"");
  }

  @Test
  void theDocumentServedIsOpenapiYamlByteForByteAndAlsoAtTheSpringdocAddress() throws Exception {
    byte[] contract = Files.readAllBytes(CONTRACT);

    HttpResponse<byte[]> served = get("/openapi.yaml");
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type")).hasValue("application/yaml");
    assertThat(served.body()).isEqualTo(contract);

    HttpResponse<byte[]> springdoc =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(url("/v3/api-docs"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(springdoc.uri().getPath()).isEqualTo("/openapi.yaml");
    assertThat(springdoc.body()).isEqualTo(contract);

    // Swagger UI is configured with that document, not with one springdoc generates.
    String config = new String(get("/v3/api-docs/swagger-config").body(), StandardCharsets.UTF_8);
    assertThat(config).contains("\"url\":\"/openapi.yaml\"");
  }

  @Test
  void tryItOutListsTheModelsOnceAuthorisedWithAnApiKey() throws Exception {
    assertThat(sha256(KEY)).isEqualTo(KEY_SHA256);
    String name = "swagger-ui-" + UUID.randomUUID();
    assertThat(uploadModel(name)).isEqualTo(201);

    browser().open(url("/swagger-ui.html"));
    browser().awaitVisible(By.cssSelector("#operations-models-listModels"));
    assertThat(browser().driver().findElement(By.cssSelector(".info .title")).getText())
        .startsWith("slabprune");
    assertThat(browser().driver().findElement(By.cssSelector(".info a[href]")).getText())
        .isEqualTo("/openapi.yaml");
    browser().screenshot("swagger-ui");

    // Without a key the API refuses, and Swagger UI shows it.
    executeListModels();
    assertThat(responseStatus()).isEqualTo("401");

    browser().click(By.cssSelector(".scheme-container button.authorize"));
    browser().awaitVisible(By.cssSelector("input[aria-label='auth-bearer-value']")).sendKeys(KEY);
    browser().click(By.cssSelector(".auth-btn-wrapper button.authorize"));
    browser().click(By.cssSelector(".auth-btn-wrapper button.btn-done"));
    browser().await(driver -> driver.findElements(By.cssSelector(".dialog-ux")).isEmpty());

    browser().click(By.cssSelector("#operations-models-listModels button.execute"));
    browser().await(driver -> "200".equals(responseStatus()) ? true : null);
    WebElement body =
        browser()
            .awaitVisible(
                By.cssSelector(
                    "#operations-models-listModels .live-responses-table .response-col_description pre"));
    assertThat(body.getText()).contains("\"items\"").contains(name).contains("\"totalItems\": 1");
    assertThat(
            browser()
                .driver()
                .findElement(By.cssSelector("#operations-models-listModels .curl-command"))
                .getText())
        .contains("Authorization: Bearer " + KEY);
    browser().scrollTo(body);
    browser().screenshot("swagger-ui-list-models");
  }

  private void executeListModels() {
    WebElement operation = browser().awaitVisible(By.cssSelector("#operations-models-listModels"));
    if (operation.findElements(By.cssSelector(".opblock-body")).isEmpty()) {
      operation.findElement(By.cssSelector(".opblock-summary-control")).click();
    }
    browser().click(By.cssSelector("#operations-models-listModels button.try-out__btn"));
    browser().click(By.cssSelector("#operations-models-listModels button.execute"));
    browser().awaitVisible(By.cssSelector("#operations-models-listModels .live-responses-table"));
  }

  /** The status of the last response Swagger UI shows under the list-models operation. */
  private String responseStatus() {
    return browser()
        .driver()
        .findElements(
            By.cssSelector(
                "#operations-models-listModels .live-responses-table .response .response-col_status"))
        .stream()
        .map(cell -> cell.getText().strip().split("\\s+")[0])
        .findFirst()
        .orElse(null);
  }

  private String href(String id) {
    return browser().driver().findElement(By.id(id)).getAttribute("href");
  }

  private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Uploads examples/digits-mlp.onnx under a name, as the key's owner; returns the status. */
  private int uploadModel(String name) throws IOException, InterruptedException {
    String boundary = "----slabprune" + UUID.randomUUID();
    byte[] onnx = Files.readAllBytes(Path.of("examples", "digits-mlp.onnx"));
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n"
                + name
                + "\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"digits-mlp.onnx\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url("/api/v1/models")))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArrays(java.util.List.of(head, onnx, tail)))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
