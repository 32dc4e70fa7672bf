package dev.slabprune.job.queue;

/**
 * Why a job failed, as the owner sees it: an RFC 9457 problem detail stored with the job.
 *
 * @param type a stable URI reference such as {@code /problems/training-diverged}
 * @param title a short human summary
 * @param status the HTTP status the problem corresponds to: 422 for input that can never succeed,
 *     500 for a failure of the service
 * @param detail what went wrong and what to change
 */
public record Failure(String type, String title, int status, String detail) {

  static Failure of(String slug, String title, int status, String detail) {
    return new Failure("/problems/" + slug, title, status, detail);
  }
}
