package dev.slabprune.security;

import dev.slabprune.api.ProblemTypes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * What access control answers, as RFC 9457 problem details: 401 with {@code WWW-Authenticate:
 * Bearer} when the key is missing or wrong, 403 when the key may not do this, and 400 when the
 * firewall refuses a request whose path is not in canonical form.
 */
final class SecurityProblems
    implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

  private static final Logger log = LoggerFactory.getLogger(SecurityProblems.class);
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]{1,20})\"");
  private static final RequestMatcher ADMIN_PATHS =
      PathPatternRequestMatcher.withDefaults().matcher(SecurityConfiguration.ADMIN_PATHS);

  private final JsonMapper json;

  SecurityProblems(JsonMapper json) {
    this.json = json;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    if (e instanceof BadCredentialsException) {
      response.setHeader(
          HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"slabprune\", error=\"invalid_token\"");
      write(response, 401, "invalid-api-key", "Invalid API key", e.getMessage());
      return;
    }
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"slabprune\"");
    write(
        response,
        401,
        "missing-api-key",
        "API key required",
        "Send your API key as 'Authorization: Bearer <key>'.");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    if (ADMIN_PATHS.matches(request)) {
      write(
          response,
          403,
          "admin-key-required",
          "Admin key required",
          "Minting, listing and revoking API keys needs an admin key"
              + " (slabprune.security.admin-keys).");
      return;
    }
    write(
        response,
        403,
        "forbidden",
        "Not served to API keys",
        "Nothing at this path is served to an API key: the API is under /api/v1, spelled as"
            + " openapi/openapi.yaml documents it.");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
      throws IOException {
    log.debug("Rejected {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
    Matcher quoted = QUOTED.matcher(e.getMessage() == null ? "" : e.getMessage());
    String what =
        quoted.find()
            ? "it contains \"" + quoted.group(1) + "\""
            : e.getMessage() != null && e.getMessage().contains("normalized")
                ? "it has '.' or '..' segments"
                : "it is malformed";
    write(
        response,
        400,
        "rejected-request",
        "Request rejected",
        "The request's path is not in canonical form ("
            + what
            + "). Spell the path as documented, for example /api/v1/models: no %-encoded"
            + " letters, digits or slashes, no ';' parameters, no empty, '.' or '..' segments.");
  }

  private void write(
      HttpServletResponse response, int status, String slug, String title, String detail)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", ProblemTypes.of(slug).toString());
    problem.put("title", title);
    problem.put("status", status);
    problem.put("detail", detail);
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(json.writeValueAsString(problem));
  }
}
