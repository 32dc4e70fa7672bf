package dev.slabprune.api;

/** A resource that does not exist (or is not the caller's): answered with {@code 404}. */
public class NotFoundException extends RuntimeException {

  private final String resource;
  private final String id;

  public NotFoundException(String resource, String id) {
    this(resource, id, "There is no " + resource + " with id " + id + ".");
  }

  /** With a detail of its own, such as one naming the request field that gave the id. */
  public NotFoundException(String resource, String id, String detail) {
    super(detail);
    this.resource = resource;
    this.id = id;
  }

  /** The kind of thing looked for, such as {@code model} or {@code artifact}. */
  public String resource() {
    return resource;
  }

  public String id() {
    return id;
  }
}
