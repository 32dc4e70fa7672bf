package dev.slabprune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.dataset.DatasetService;
import dev.slabprune.job.JobService;
import dev.slabprune.model.ModelService;
import dev.slabprune.support.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every operation of openapi/openapi.yaml, spelled every way a path can be spelled to slip past
 * access rules (encoded letters, ';' parameters, '//', '/./', '..', encoded slashes and
 * backslashes, mixed case, NUL, double encoding...), without a key and, on the admin paths, with an
 * owner's key: each answer is 400, 401, 403 or 404 as a problem detail, never 2xx or 5xx.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = HostileServer.ADMIN_KEYS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathBypassTest {

  private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 404);

  @LocalServerPort int port;
  @Autowired ApiKeys keys;
  @Autowired ModelService models;
  @Autowired DatasetService datasets;
  @Autowired JobService jobs;
  @Autowired JsonMapper json;

  private HostileServer.Fixture fixture;
  private RawHttp http;

  @BeforeAll
  void setUp() {
    fixture = HostileServer.fixture(keys, models, datasets, jobs);
    http = new RawHttp(port);
  }

  @Test
  void theSpellingsOfTheIssueAreRefusedBeforeTheyReachAController() {
    String bob = fixture.bobKeyId().toString();
    String job = fixture.job().toString();
    String alice = fixture.aliceKey();
    List<Object[]> cases =
        List.of(
            new Object[] {"POST", "/%61pi/v1/admin/api-keys", null, 400},
            new Object[] {"GET", "/%61pi/v1/admin/api-keys", null, 400},
            new Object[] {"GET", "/api;x=1/v1/admin/api-keys", null, 400},
            new Object[] {"DELETE", "/%61pi/v1/admin/api-keys/" + bob, null, 400},
            new Object[] {"GET", "/api/v1/%61dmin/api-keys", alice, 400},
            new Object[] {"POST", "/api/v1/admin;x=1/api-keys", alice, 400},
            new Object[] {"GET", "/%61pi/v1/models", null, 400},
            new Object[] {"GET", "/api;x=1/v1/jobs/" + job + "/artifact", null, 400},
            new Object[] {"GET", "/api/v1/admin/api-keys", "not-a-key", 401},
            new Object[] {"POST", "/api/v1/admin/api-keys", "not-a-key", 401},
            new Object[] {"GET", "/api/v1/admin/api-keys", alice, 403},
            new Object[] {"POST", "/api/v1/admin/api-keys", alice, 403},
            new Object[] {"GET", "/api/v1/models", null, 401});
    List<String> table = new ArrayList<>();
    table.add("| request | key | status | problem type |");
    table.add("| --- | --- | --- | --- |");
    for (Object[] c : cases) {
      RawHttp.Response response =
          send((String) c[0], (String) c[1], (String) c[2], body((String) c[0], (String) c[1]));
      JsonNode problem = problem(response);
      table.add(
          "| `"
              + c[0]
              + " "
              + c[1]
              + "` | "
              + keyLabel((String) c[2])
              + " | "
              + response.status()
              + " | `"
              + problem.path("type").asString()
              + "` |");
      assertThat(response.status()).as(c[0] + " " + c[1]).isEqualTo(c[3]);
    }
    write("issue-spellings.md", table);
    assertUntouched();
  }

  @Test
  void everyOperationInEverySpellingIsRefusedAsAProblemNeverServed() throws Exception {
    Map<String, Map<String, TreeMap<Integer, Integer>>> outcomes = new TreeMap<>();
    int sent = 0;
    for (String[] operation : AccessTest.documentedOperations()) {
      String method = operation[0];
      String path = concrete(operation[1]);
      String query = path.endsWith("weights.npy") ? "?layer=0" : "";
      boolean admin = operation[1].startsWith("/api/v1/admin/");
      for (String[] spelling : spellings(path)) {
        for (String key : admin ? new String[] {null, fixture.aliceKey()} : new String[] {null}) {
          RawHttp.Response response =
              send(method, spelling[1] + query, key, body(method, operation[1]));
          sent++;
          String what = method + " " + spelling[1] + query + " (" + keyLabel(key) + ")";
          assertThat(response.status()).as(what).isIn(REFUSALS);
          JsonNode problem = problem(response);
          assertThat(problem.path("status").asInt()).as(what).isEqualTo(response.status());
          if (response.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).as(what).startsWith("Bearer");
          }
          outcomes
              .computeIfAbsent(spelling[0], k -> new TreeMap<>())
              .computeIfAbsent(keyLabel(key), k -> new TreeMap<>())
              .merge(response.status(), 1, Integer::sum);
        }
      }
    }
    assertThat(sent).isGreaterThan(1000);
    List<String> table = new ArrayList<>();
    table.add("| spelling | key | answers (status × requests) |");
    table.add("| --- | --- | --- |");
    outcomes.forEach(
        (spelling, byKey) ->
            byKey.forEach(
                (key, statuses) -> {
                  StringBuilder cell = new StringBuilder();
                  statuses.forEach(
                      (status, count) ->
                          cell.append(cell.isEmpty() ? "" : ", ")
                              .append(status)
                              .append(" × ")
                              .append(count));
                  table.add("| " + spelling + " | " + key + " | " + cell + " |");
                }));
    table.add("");
    table.add(sent + " requests.");
    write("path-spellings.md", table);
    assertUntouched();
  }

  /** Nothing was minted, listed away or revoked by the requests that were refused. */
  private void assertUntouched() {
    assertThat(keys.owner(fixture.bobKey())).as("bob's key still works").isPresent();
    assertThat(keys.list())
        .as("no key was minted for mallory")
        .noneMatch(listed -> listed.owner().startsWith("mallory"));
  }

  /** The path with the fixture's ids in place of the templates. */
  private String concrete(String template) {
    String id =
        template.startsWith("/api/v1/models")
            ? fixture.model().toString()
            : template.startsWith("/api/v1/datasets")
                ? fixture.dataset().toString()
                : template.startsWith("/api/v1/jobs")
                    ? fixture.job().toString()
                    : fixture.bobKeyId().toString();
    return template.replace("{id}", id);
  }

  /**
   * The spellings of one path, each as {kind, request target}. Each kind is applied at every
   * segment where it can be.
   */
  List<String[]> spellings(String path) {
    String[] seg = path.substring(1).split("/");
    List<String[]> out = new ArrayList<>();
    out.add(new String[] {"canonical", path});
    for (int i = 0; i < seg.length; i++) {
      char first = seg[i].charAt(0);
      String hex = String.format("%02x", (int) first);
      String rest = seg[i].substring(1);
      out.add(new String[] {"%-encoded letter (%61)", with(seg, i, "%" + hex + rest)});
      out.add(
          new String[] {
            "%-encoded letter, upper-case hex (%6D)",
            with(seg, i, "%" + hex.toUpperCase(Locale.ROOT) + rest)
          });
      out.add(new String[] {"double encoding (%2561)", with(seg, i, "%25" + hex + rest)});
      out.add(new String[] {"';' parameter (;x=1)", with(seg, i, seg[i] + ";x=1")});
      out.add(new String[] {"empty ';' parameter", with(seg, i, seg[i] + ";")});
      out.add(new String[] {"'//'", with(seg, i, seg[i] + "/")});
      out.add(new String[] {"'/./'", with(seg, i, seg[i] + "/.")});
      out.add(new String[] {"'/x/../'", with(seg, i, seg[i] + "/x/..")});
      out.add(new String[] {"'/%2e/'", with(seg, i, seg[i] + "/%2e")});
      out.add(new String[] {"'/x/%2e%2e/'", with(seg, i, seg[i] + "/x/%2e%2e")});
      out.add(new String[] {"'/..;/'", with(seg, i, seg[i] + "/x/..;")});
      out.add(new String[] {"upper-case segment", with(seg, i, seg[i].toUpperCase(Locale.ROOT))});
      out.add(new String[] {"%00 in a segment", with(seg, i, seg[i] + "%00")});
      out.add(new String[] {"%20 after a segment", with(seg, i, seg[i] + "%20")});
      if (i + 1 < seg.length) {
        for (String slash : List.of("%2F", "%2f", "%5C", "%5c", "\\")) {
          String kind =
              slash.equals("\\") ? "raw backslash" : "encoded separator " + slash.toUpperCase();
          out.add(new String[] {kind, joinedAt(seg, i, slash)});
        }
      }
    }
    out.add(new String[] {"mixed case (/API/V1)", "/API/V1" + path.substring("/api/v1".length())});
    out.add(new String[] {"mixed case (/Api/v1)", "/Api" + path.substring("/api".length())});
    out.add(new String[] {"trailing slash", path + "/"});
    out.add(new String[] {"leading '//'", "/" + path});
    out.add(new String[] {"%00 at the end", path + "%00"});
    out.add(new String[] {"%2e%2e traversal from /x", "/x/%2e%2e" + path});
    out.add(new String[] {"'..' traversal from /x", "/x/.." + path});
    out.add(new String[] {"full-width letter (%EF%BD%81)", path.replaceFirst("a", "%EF%BD%81")});
    out.add(
        new String[] {
          "absolute-form target", "http://127.0.0.1:" + port + "/%61" + path.substring(2)
        });
    return out;
  }

  private static String with(String[] seg, int i, String replacement) {
    StringBuilder path = new StringBuilder();
    for (int j = 0; j < seg.length; j++) {
      path.append('/').append(j == i ? replacement : seg[j]);
    }
    return path.toString();
  }

  private static String joinedAt(String[] seg, int i, String separator) {
    StringBuilder path = new StringBuilder();
    for (int j = 0; j < seg.length; j++) {
      path.append(j == i + 1 ? separator : "/").append(seg[j]);
    }
    return path.toString();
  }

  /** A body that the operation would accept, so that a request that got through would succeed. */
  private byte[][] body(String method, String template) {
    if (!method.equals("POST")) {
      return null;
    }
    if (template.endsWith("/api/v1/admin/api-keys")) {
      return json("{\"owner\": \"mallory\"}");
    }
    if (template.equals("/api/v1/jobs")) {
      return json(
          "{\"modelId\": \""
              + fixture.model()
              + "\", \"datasetId\": \""
              + fixture.dataset()
              + "\"}");
    }
    if (template.endsWith("/reprune")) {
      return json("{\"threshold\": 0.5}");
    }
    if (template.endsWith("/cancel")) {
      return null;
    }
    boolean model = template.equals("/api/v1/models");
    String boundary = "hostile-boundary";
    byte[] file = model ? fixture.onnx() : fixture.csv();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + (model ? "m.onnx" : "d.csv")
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + file.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(file, 0, all, head.length, file.length);
    System.arraycopy(tail, 0, all, head.length + file.length, tail.length);
    return new byte[][] {("multipart/form-data; boundary=" + boundary).getBytes(), all};
  }

  private static byte[][] json(String body) {
    return new byte[][] {"application/json".getBytes(), body.getBytes(StandardCharsets.UTF_8)};
  }

  private RawHttp.Response send(String method, String target, String key, byte[][] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (key != null) {
      headers.put("Authorization", "Bearer " + key);
    }
    if (body != null) {
      headers.put("Content-Type", new String(body[0], StandardCharsets.US_ASCII));
    }
    return http.send(method, target, headers, body == null ? null : body[1]);
  }

  private JsonNode problem(RawHttp.Response response) {
    assertThat(response.header("Content-Type"))
        .as("%d answer: %s", response.status(), response.body())
        .startsWith("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.path("type").asString()).startsWith("/problems/");
    assertThat(problem.path("detail").asString()).isNotBlank();
    return problem;
  }

  private String keyLabel(String key) {
    if (key == null) {
      return "none";
    }
    return key.equals(fixture.aliceKey()) ? "owner's key" : "unknown key";
  }

  private static void write(String name, List<String> lines) {
    try {
      Path file = Path.of("target", "hostile-requests", name);
      Files.createDirectories(file.getParent());
      Files.write(file, lines);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    lines.forEach(System.out::println);
  }
}
