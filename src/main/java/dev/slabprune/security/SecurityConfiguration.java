package dev.slabprune.security;

import dev.slabprune.api.Owner;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. A request carries an API key as {@code Authorization: Bearer <key>}; the key
 * is checked against SHA-256 hashes ({@link ApiKeyAuthenticationProvider}); the rules below match
 * paths as Spring MVC routes them (decoded, without ';' parameters), and a firewall refuses, before
 * any rule, every path that is not in canonical form.
 *
 * <p>With no keys configured the service is open for local use: every request acts for {@link
 * Owner#LOCAL}, which may also manage keys, and the service binds to localhost ({@link
 * OpenModeBinding}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

  /** The authority of a key that acts for an owner. */
  static final String USER = "USER";

  /** The authority of a key that mints and revokes API keys. */
  static final String ADMIN = "ADMIN";

  static final String ADMIN_PATHS = "/api/v1/admin/**";

  /**
   * Pages and documents that hold no data and need no key (the pages call the API with the user's
   * key). A new page is one more entry here.
   */
  static final List<String> PAGES =
      List.of(
          "/",
          "/index.html",
          "/favicon.ico",
          "/swagger-ui.html",
          "/swagger-ui/**",
          "/openapi.yaml",
          "/v3/api-docs/**",
          "/dashboard/**",
          "/webjars/**",
          "/css/**",
          "/js/**");

  /** What probes and scrapers read without a key. */
  static final List<String> PROBES =
      List.of("/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus");

  /** Characters that never need %-encoding in a path (RFC 3986 "unreserved"). */
  private static final String UNRESERVED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  @Bean
  SecurityFilterChain securityFilterChain(
      HttpSecurity http,
      SecurityProperties properties,
      ApiKeyAuthenticationProvider provider,
      SecurityProblems problems)
      throws Exception {
    http.csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .securityContext(c -> c.securityContextRepository(contextRepository()))
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .authorizeHttpRequests(
            rules ->
                rules
                    // Error pages, forwards (the landing page) and the later dispatches of an
                    // async response (server-sent events, downloads) belong to a request that
                    // was already authorised.
                    .dispatcherTypeMatchers(
                        DispatcherType.ERROR, DispatcherType.FORWARD, DispatcherType.ASYNC)
                    .permitAll()
                    .requestMatchers(PAGES.toArray(String[]::new))
                    .permitAll()
                    .requestMatchers(PROBES.toArray(String[]::new))
                    .permitAll()
                    .requestMatchers("/actuator/**")
                    .hasAuthority(ADMIN)
                    .requestMatchers(ADMIN_PATHS)
                    .hasAuthority(ADMIN)
                    .requestMatchers("/api/**")
                    .hasAuthority(USER)
                    .anyRequest()
                    .denyAll());
    if (properties.enforced()) {
      http.addFilterBefore(bearerKeys(provider, problems), AuthorizationFilter.class);
    } else {
      log.warn(
          "No API keys are configured: the API is open and every request acts for the owner"
              + " '{}'. Set slabprune.security.api-keys or admin-keys before exposing it.",
          Owner.LOCAL.name());
      http.anonymous(a -> a.principal(Owner.LOCAL).authorities(USER, ADMIN));
    }
    return http.build();
  }

  /** A bean, so that Spring Boot configures no user of its own. */
  @Bean
  ApiKeyAuthenticationProvider apiKeyAuthenticationProvider(ApiKeys keys) {
    return new ApiKeyAuthenticationProvider(keys);
  }

  @Bean
  SecurityProblems securityProblems(JsonMapper json) {
    return new SecurityProblems(json);
  }

  @Bean
  WebSecurityCustomizer firewall(SecurityProblems problems) {
    return web -> web.httpFirewall(strictFirewall()).requestRejectedHandler(problems);
  }

  /**
   * Spring Security's strict firewall (it refuses ';', encoded slashes and backslashes, '%25',
   * '%2E', NUL, '//', '/./', '/../'), refusing besides every %-encoded unreserved character: a
   * letter or digit has one spelling.
   */
  static StrictHttpFirewall strictFirewall() {
    StrictHttpFirewall firewall = new StrictHttpFirewall();
    for (char c : UNRESERVED.toCharArray()) {
      String hex = String.format("%02X", (int) c);
      firewall.getEncodedUrlBlocklist().add("%" + hex);
      firewall.getEncodedUrlBlocklist().add("%" + hex.toLowerCase(java.util.Locale.ROOT));
    }
    return firewall;
  }

  private static AuthenticationFilter bearerKeys(
      ApiKeyAuthenticationProvider provider, SecurityProblems problems) {
    AuthenticationFilter filter =
        new AuthenticationFilter(
            new ProviderManager(provider), SecurityConfiguration::presentedKey);
    filter.setSecurityContextRepository(contextRepository());
    filter.setSuccessHandler((request, response, authentication) -> {});
    filter.setFailureHandler(new AuthenticationEntryPointFailureHandler(problems));
    return filter;
  }

  /** The key in {@code Authorization: Bearer <key>}; null when the header is absent. */
  private static Authentication presentedKey(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      return null;
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new BadCredentialsException(
          "The Authorization header is not a bearer key: send 'Authorization: Bearer <key>'.");
    }
    return ApiKeyAuthentication.presented(header.substring(7).strip());
  }

  private static SecurityContextRepository contextRepository() {
    return new RequestAttributeSecurityContextRepository();
  }
}
