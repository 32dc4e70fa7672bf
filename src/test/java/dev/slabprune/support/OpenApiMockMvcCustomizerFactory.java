package dev.slabprune.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Holds every MockMvc exchange of every test context to the OpenAPI document ({@link
 * OpenApiContract}), so the MockMvc tests check the contract as the RestClient tests do.
 */
public class OpenApiMockMvcCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    return new Customizer();
  }

  private static final class Customizer implements ContextCustomizer {

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
      MockMvcBuilderCustomizer validation =
          builder -> builder.alwaysDo(OpenApiMockMvcCustomizerFactory::check);
      context.getBeanFactory().registerSingleton("openApiContractValidation", validation);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer;
    }

    @Override
    public int hashCode() {
      return Customizer.class.hashCode();
    }
  }

  static void check(MvcResult result) throws Exception {
    MockHttpServletRequest request = result.getRequest();
    if (request.isAsyncStarted() && result.getResponse().getContentAsByteArray().length == 0) {
      // The response comes with the async dispatch, which is checked in its turn.
      return;
    }
    MockHttpServletResponse response = result.getResponse();
    OpenApiContract.check(
        new OpenApiContract.Exchange(
            request.getMethod(),
            request.getRequestURI(),
            query(request),
            requestHeaders(request),
            request.getContentAsByteArray(),
            response.getStatus(),
            responseHeaders(response),
            response.getContentAsByteArray()));
  }

  /**
   * The query parameters: MockMvc keeps {@code param(...)} of a GET in the parameter map, and those
   * of a form or multipart request are fields of its body, not of its query.
   */
  private static Map<String, List<String>> query(MockHttpServletRequest request) {
    String contentType = request.getContentType() == null ? "" : request.getContentType();
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (contentType.startsWith("multipart/") || contentType.startsWith("application/x-www")) {
      if (request.getQueryString() != null) {
        UriComponentsBuilder.fromUriString("/?" + request.getQueryString())
            .build()
            .getQueryParams()
            .forEach(query::put);
      }
      return query;
    }
    request.getParameterMap().forEach((name, values) -> query.put(name, List.of(values)));
    return query;
  }

  private static Map<String, List<String>> requestHeaders(MockHttpServletRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    if (request.getContentType() != null) {
      headers.put("Content-Type", List.of(request.getContentType()));
    }
    return headers;
  }

  private static Map<String, List<String>> responseHeaders(MockHttpServletResponse response) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : response.getHeaderNames()) {
      headers.put(name, response.getHeaders(name));
    }
    if (response.getContentType() != null) {
      headers.put("Content-Type", List.of(response.getContentType()));
    }
    return headers;
  }
}
