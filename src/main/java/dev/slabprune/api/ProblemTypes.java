package dev.slabprune.api;

import java.net.URI;

/** Problem {@code type} URIs: stable, one per kind of problem, relative to the service. */
public final class ProblemTypes {

  private static final String BASE = "/problems/";

  public static final URI NOT_FOUND = of("not-found");
  public static final URI INVALID_REQUEST = of("invalid-request");
  public static final URI PAYLOAD_TOO_LARGE = of("payload-too-large");
  public static final URI UNSUPPORTED_MEDIA_TYPE = of("unsupported-media-type");
  public static final URI METHOD_NOT_ALLOWED = of("method-not-allowed");
  public static final URI NOT_ACCEPTABLE = of("not-acceptable");
  public static final URI INTERNAL_ERROR = of("internal-error");
  public static final URI SERVICE_UNAVAILABLE = of("service-unavailable");

  private ProblemTypes() {}

  public static URI of(String slug) {
    return URI.create(BASE + slug);
  }
}
