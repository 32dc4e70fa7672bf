package dev.slabprune.job;

import dev.slabprune.api.Owner;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent progress: each subscriber gets the job at once and whenever it changes, read from the
 * job row (the only truth, whichever instance runs the job), until the job ends.
 */
@Component
class JobEvents implements DisposableBean {

  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofHours(6);

  private final JobService jobs;
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "job-events");
            thread.setDaemon(true);
            return thread;
          });

  JobEvents(JobService jobs) {
    this.jobs = jobs;
  }

  SseEmitter follow(Owner owner, UUID id) {
    JobView first = jobs.get(owner, id);
    SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
    AtomicReference<JobView> last = new AtomicReference<>();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable send =
        () -> {
          try {
            JobView now = last.get() == null ? first : jobs.get(owner, id);
            if (!Objects.equals(now, last.get())) {
              last.set(now);
              emitter.send(SseEmitter.event().name("job").data(now, MediaType.APPLICATION_JSON));
            }
            if (now.state().isTerminal()) {
              emitter.complete();
              cancel(task);
            }
          } catch (IOException | RuntimeException e) {
            // The client went away or the job vanished: stop following.
            emitter.completeWithError(e);
            cancel(task);
          }
        };
    emitter.onCompletion(() -> cancel(task));
    emitter.onTimeout(() -> cancel(task));
    task.set(poller.scheduleWithFixedDelay(send, 0, POLL.toMillis(), TimeUnit.MILLISECONDS));
    return emitter;
  }

  private static void cancel(AtomicReference<ScheduledFuture<?>> task) {
    ScheduledFuture<?> future = task.get();
    if (future != null) {
      future.cancel(false);
    }
  }

  @Override
  public void destroy() {
    poller.shutdownNow();
  }
}
