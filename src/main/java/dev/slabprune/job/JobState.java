package dev.slabprune.job;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Where a compression job stands, and the moves allowed between states. */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  private static final Map<JobState, Set<JobState>> ALLOWED =
      Map.of(
          QUEUED, EnumSet.of(RUNNING, CANCELLED),
          // RUNNING -> QUEUED: handed back on shutdown, reaped after a lost heartbeat, or retried
          // after a transient failure.
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED),
          SUCCEEDED, EnumSet.noneOf(JobState.class),
          FAILED, EnumSet.noneOf(JobState.class),
          CANCELLED, EnumSet.noneOf(JobState.class));

  public boolean canMoveTo(JobState next) {
    return ALLOWED.get(this).contains(next);
  }

  public boolean isTerminal() {
    return ALLOWED.get(this).isEmpty();
  }

  /** The states a job can move to from this one. */
  public Set<JobState> next() {
    return ALLOWED.get(this).isEmpty() ? Set.of() : EnumSet.copyOf(ALLOWED.get(this));
  }
}
