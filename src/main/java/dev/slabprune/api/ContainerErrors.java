package dev.slabprune.api;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Requests that the servlet container refuses before the application sees them (a path with {@code
 * %00} or an encoded slash, headers larger than {@code server.max-http-request-header-size}, a
 * malformed request line) are answered with a problem detail too, instead of the container's HTML
 * page.
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrors {

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
    return factory ->
        factory.addContextCustomizers(
            context -> {
              if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemReportValve.class.getName());
              }
              // Once every customizer has added its valves, keep only ours.
              context.addLifecycleListener(
                  event -> {
                    if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                      useOnly(context.getParent().getPipeline());
                    }
                  });
            });
  }

  private static void useOnly(Pipeline pipeline) {
    boolean present = false;
    for (Valve valve : pipeline.getValves()) {
      if (valve instanceof ProblemReportValve) {
        present = true;
      } else if (valve instanceof ErrorReportValve) {
        pipeline.removeValve(valve);
      }
    }
    if (!present) {
      pipeline.addValve(new ProblemReportValve());
    }
  }

  /** Writes the container's own error responses as problem details. */
  public static class ProblemReportValve extends ErrorReportValve {

    public ProblemReportValve() {
      setShowReport(false);
      setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = response.getStatus();
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      AtomicBoolean io = new AtomicBoolean(false);
      response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, io);
      if (!io.get()) {
        return;
      }
      HttpStatus known = HttpStatus.resolve(status);
      String body =
          "{\"type\":\""
              + (status == 505
                  ? ProblemTypes.of("http-version-not-supported")
                  : ProblemDetailsAdvice.frameworkType(
                      known != null
                          ? known
                          : org.springframework.http.HttpStatusCode.valueOf(status)))
              + "\",\"title\":\""
              + (known == null ? "Error" : known.getReasonPhrase())
              + "\",\"status\":"
              + status
              + ",\"detail\":\""
              + detail(status)
              + "\"}";
      try {
        response.resetBuffer();
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        Writer writer = response.getReporter();
        if (writer != null) {
          writer.write(body);
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // The client is gone or the response cannot be written: nothing more to do.
      }
    }

    private static String detail(int status) {
      return switch (status) {
        case 400 ->
            "The server refused the request before it reached the API. Check that the path has no"
                + " %00 and no encoded slash or backslash (%2F, %5C), that the request line and"
                + " headers fit in server.max-http-request-header-size (8KB unless configured),"
                + " and that the body is framed as its headers say.";
        case 404 -> "Nothing is served at this path: the API is under /api/v1.";
        case 413 -> "The request is larger than the server accepts.";
        case 414 -> "The request line is longer than the server accepts.";
        case 431 -> "The request headers are larger than the server accepts.";
        case 505 -> "Only HTTP/1.1 and HTTP/1.0 are served.";
        default ->
            status >= 500
                ? "The server failed before the request reached the API; it has been logged."
                : "The server refused the request before it reached the API.";
      };
    }
  }
}
