package dev.slabprune.api;

import dev.slabprune.storage.ArtifactNotFoundException;
import dev.slabprune.storage.StorageException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.tomcat.util.http.fileupload.InvalidFileNameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error leaves the service as an RFC 9457 problem detail: a stable {@code type}, a human
 * {@code title}, a {@code detail} that says what to fix, and {@code errors[]} where several things
 * are wrong. Exception class names and stack traces never leave the service.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  @ExceptionHandler(BadInputException.class)
  ResponseEntity<ProblemDetail> badInput(BadInputException e) {
    ProblemDetail problem =
        problem(
            HttpStatus.valueOf(e.status()), ProblemTypes.of(e.slug()), e.title(), e.getMessage());
    if (!e.violations().isEmpty()) {
      problem.setProperty("errors", errors(e.violations()));
    }
    return ResponseEntity.status(e.status()).body(problem);
  }

  @ExceptionHandler(TooManyRequestsException.class)
  ResponseEntity<ProblemDetail> tooMany(TooManyRequestsException e) {
    ResponseEntity<ProblemDetail> problem = badInput(e);
    return ResponseEntity.status(problem.getStatusCode())
        .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
        .body(problem.getBody());
  }

  @ExceptionHandler(NotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
    ProblemDetail problem =
        problem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", e.getMessage());
    problem.setProperty("resource", e.resource());
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
  }

  /** Storage knows nothing of HTTP: missing bytes become the same 404 as a missing resource. */
  @ExceptionHandler(ArtifactNotFoundException.class)
  ResponseEntity<ProblemDetail> artifactNotFound(ArtifactNotFoundException e) {
    return notFound(new NotFoundException("artifact", e.sha256()));
  }

  @ExceptionHandler(ConflictException.class)
  ResponseEntity<ProblemDetail> conflict(ConflictException e) {
    return ResponseEntity.status(HttpStatus.CONFLICT)
        .body(problem(HttpStatus.CONFLICT, ProblemTypes.of(e.slug()), e.title(), e.getMessage()));
  }

  @ExceptionHandler(StorageException.class)
  ResponseEntity<ProblemDetail> storage(StorageException e) {
    log.error("Storage failure", e);
    ProblemDetail problem =
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            ProblemTypes.SERVICE_UNAVAILABLE,
            "Storage unavailable",
            "The database could not store or read the data. Try again shortly.");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "5")
        .body(problem);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    log.error("Unexpected failure", e);
    ProblemDetail problem =
        problem(
            HttpStatus.INTERNAL_SERVER_ERROR,
            ProblemTypes.INTERNAL_ERROR,
            "Internal error",
            "The service failed unexpectedly; the failure has been logged.");
    return ResponseEntity.internalServerError().body(problem);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<BadInputException.Violation> violations =
        e.getBindingResult().getFieldErrors().stream()
            .map(
                (FieldError error) ->
                    new BadInputException.Violation(
                        error.getField(),
                        error.getDefaultMessage() == null
                            ? "is invalid"
                            : error.getDefaultMessage()))
            .toList();
    ProblemDetail problem =
        problem(
            HttpStatus.BAD_REQUEST,
            ProblemTypes.INVALID_REQUEST,
            "Invalid request",
            violations.size() == 1
                ? "The field " + violations.get(0).location() + " " + violations.get(0).message()
                : violations.size() + " fields are invalid: see errors.");
    problem.setProperty("errors", errors(violations));
    return ResponseEntity.badRequest().body(problem);
  }

  /** A multipart body without a boundary, cut short, or otherwise not multipart. */
  @ExceptionHandler(MultipartException.class)
  ResponseEntity<ProblemDetail> multipart(MultipartException e) {
    log.debug("Unreadable multipart body", e);
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof InvalidFileNameException) {
        return badInput(Uploads.invalidFileName());
      }
    }
    ProblemDetail problem =
        problem(
            HttpStatus.BAD_REQUEST,
            ProblemTypes.of("invalid-multipart"),
            "Invalid multipart body",
            "The body is not a complete multipart/form-data request: give the boundary in"
                + " Content-Type, send every part whole and end with the closing boundary"
                + " (curl -F file=@model.onnx does all three).");
    return ResponseEntity.badRequest().body(problem);
  }

  /** A body that is not the JSON the operation takes: names the field, the type and the place. */
  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof JsonBodyLimit.TooLarge tooLarge) {
        ProblemDetail problem =
            problem(
                HttpStatus.CONTENT_TOO_LARGE,
                ProblemTypes.PAYLOAD_TOO_LARGE,
                "Body too large",
                "The JSON body is larger than "
                    + tooLarge.limit()
                    + " bytes ("
                    + JsonBodyLimit.SETTING
                    + "). Send a smaller body.");
        problem.setProperty("limit", JsonBodyLimit.SETTING);
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
      }
    }
    RequestProblems.Unreadable unreadable = null;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof JacksonException jackson) {
        unreadable = RequestProblems.of(jackson);
        break;
      }
    }
    if (unreadable == null) {
      unreadable =
          new RequestProblems.Unreadable(
              "",
              "is missing or unreadable: send the JSON this operation takes (see"
                  + " openapi/openapi.yaml)",
              null,
              null);
    }
    ProblemDetail problem =
        problem(
            HttpStatus.BAD_REQUEST,
            ProblemTypes.INVALID_REQUEST,
            "Invalid request body",
            unreadable.detail());
    problem.setProperty("errors", List.of(unreadable.error()));
    return ResponseEntity.badRequest().body(problem);
  }

  /** A path or query parameter of the wrong type, such as an id that is not a UUID. */
  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String name =
        e instanceof MethodArgumentTypeMismatchException argument
            ? argument.getName()
            : String.valueOf(e.getPropertyName());
    String value = String.valueOf(e.getValue());
    if (value.length() > 60) {
      value = value.substring(0, 60) + "...";
    }
    String message =
        "must be " + RequestProblems.expected(e.getRequiredType()) + ", not '" + value + "'";
    ProblemDetail problem =
        problem(
            HttpStatus.BAD_REQUEST,
            ProblemTypes.INVALID_REQUEST,
            "Invalid parameter",
            name + " " + message + ".");
    problem.setProperty("errors", List.of(Map.of("location", name, "message", message)));
    return ResponseEntity.badRequest().body(problem);
  }

  @Override
  protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
      MaxUploadSizeExceededException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String limit =
        e.getMaxUploadSize() < 0 ? "the configured limit" : e.getMaxUploadSize() + " bytes";
    ProblemDetail problem =
        problem(
            HttpStatus.CONTENT_TOO_LARGE,
            ProblemTypes.PAYLOAD_TOO_LARGE,
            "Upload too large",
            "The upload is larger than "
                + limit
                + " (spring.servlet.multipart.max-file-size). Send a smaller file or raise the"
                + " limit.");
    problem.setProperty("limit", "spring.servlet.multipart.max-file-size");
    return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
  }

  /** Framework errors (bad JSON, wrong method, missing part...) get a stable type too. */
  @Override
  protected ResponseEntity<Object> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body instanceof ProblemDetail problem
        && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
      problem.setType(frameworkType(status));
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  static URI frameworkType(HttpStatusCode status) {
    return switch (status.value()) {
      case 404 -> ProblemTypes.NOT_FOUND;
      case 405 -> ProblemTypes.METHOD_NOT_ALLOWED;
      case 406 -> ProblemTypes.NOT_ACCEPTABLE;
      case 413 -> ProblemTypes.PAYLOAD_TOO_LARGE;
      case 415 -> ProblemTypes.UNSUPPORTED_MEDIA_TYPE;
      case 503 -> ProblemTypes.SERVICE_UNAVAILABLE;
      default ->
          status.is5xxServerError() ? ProblemTypes.INTERNAL_ERROR : ProblemTypes.INVALID_REQUEST;
    };
  }

  private static ProblemDetail problem(
      HttpStatusCode status, URI type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(type);
    problem.setTitle(title);
    return problem;
  }

  private static List<Map<String, String>> errors(List<BadInputException.Violation> violations) {
    return violations.stream()
        .map(v -> Map.of("location", v.location(), "message", v.message()))
        .toList();
  }
}
