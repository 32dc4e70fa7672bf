package dev.slabprune.security;

import dev.slabprune.api.CurrentOwner;
import dev.slabprune.api.Owner;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks {@code Authorization: Bearer <key>} on every API request and records whom the request acts
 * for; the admin endpoints need an admin key. Health and metrics stay open for probes.
 */
@Component
public class ApiKeyFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);
  private static final String ADMIN_PATH = "/api/v1/admin/";

  private final ApiKeys keys;
  private final SecurityProperties properties;
  private final JsonMapper json;

  public ApiKeyFilter(ApiKeys keys, SecurityProperties properties, JsonMapper json) {
    this.keys = keys;
    this.properties = properties;
    this.json = json;
    if (!properties.enforced()) {
      log.warn(
          "No API keys are configured: the API is open and every request acts for the owner"
              + " '{}'. Set slabprune.security.api-keys or admin-keys before exposing it.",
          Owner.LOCAL.name());
    }
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!properties.enforced()) {
      request.setAttribute(CurrentOwner.ATTRIBUTE, Owner.LOCAL);
      chain.doFilter(request, response);
      return;
    }
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
      refuse(
          response,
          401,
          "missing-api-key",
          "API key required",
          "Send your API key as 'Authorization: Bearer <key>'.");
      return;
    }
    String key = header.substring(7).strip();
    if (request.getRequestURI().startsWith(ADMIN_PATH)) {
      if (!keys.isAdmin(key)) {
        refuse(
            response,
            403,
            "admin-key-required",
            "Admin key required",
            "Minting and revoking API keys needs an admin key (slabprune.security.admin-keys).");
        return;
      }
      chain.doFilter(request, response);
      return;
    }
    Optional<String> owner = keys.owner(key);
    if (owner.isEmpty()) {
      refuse(
          response,
          401,
          "invalid-api-key",
          "Invalid API key",
          "The API key is not known or was revoked. Ask your administrator for a key.");
      return;
    }
    request.setAttribute(CurrentOwner.ATTRIBUTE, new Owner(owner.get()));
    chain.doFilter(request, response);
  }

  private void refuse(
      HttpServletResponse response, int status, String slug, String title, String detail)
      throws IOException {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "/problems/" + slug);
    problem.put("title", title);
    problem.put("status", status);
    problem.put("detail", detail);
    response.setStatus(status);
    if (status == 401) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"slabprune\"");
    }
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getWriter().write(json.writeValueAsString(problem));
  }
}
