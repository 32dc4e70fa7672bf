package dev.slabprune.storage;

/** The database failed while storing or reading an artifact: a transient, server-side error. */
public class StorageException extends RuntimeException {

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
