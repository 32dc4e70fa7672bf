package dev.slabprune.job.queue;

/**
 * What a finished handler hands back: how to store its result, and how to remove what it wrote when
 * the result will never be stored.
 */
@FunctionalInterface
public interface Completion {

  /**
   * Stores the result; runs in the transaction that marks the job succeeded, and only if this
   * worker still holds the job.
   */
  void store();

  /**
   * Removes what the handler wrote for a result that will not be stored: the worker lost the job
   * (reaped, cancelled or claimed again) before it could succeed.
   */
  default void discard() {}
}
