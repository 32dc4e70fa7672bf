package dev.slabprune.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page the servlet container forwards to when a response ends in an error that no handler
 * answered: a problem detail, as every other error. Access control lets only the container's error
 * dispatch reach it.
 */
@RestController
class ErrorPageController implements ErrorController {

  @RequestMapping(path = "${server.error.path:/error}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatusCode status =
        code instanceof Integer value && value >= 400 && value <= 599
            ? HttpStatusCode.valueOf(value)
            : HttpStatus.NOT_FOUND;
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail(status));
    problem.setType(ProblemDetailsAdvice.frameworkType(status));
    HttpStatus known = HttpStatus.resolve(status.value());
    problem.setTitle(known == null ? "Error" : known.getReasonPhrase());
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  private static String detail(HttpStatusCode status) {
    if (status.value() == 404) {
      return "Nothing is served at this path: the API is under /api/v1 (see openapi/openapi.yaml).";
    }
    if (status.is4xxClientError()) {
      return "The request was refused before it reached the API: check its path, headers and"
          + " body against openapi/openapi.yaml.";
    }
    return "The service failed unexpectedly; the failure has been logged.";
  }
}
