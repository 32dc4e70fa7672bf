package dev.slabprune.job.queue;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the worker pool while the application runs; an API-only replica sets {@code
 * slabprune.worker.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    name = "slabprune.worker.enabled",
    havingValue = "true",
    matchIfMissing = true)
class WorkerConfiguration {

  @Bean
  WorkerPool workerPool(
      JobQueue queue, JobHandler handler, QueueProperties properties, JsonMapper json) {
    return new WorkerPool(queue, handler, properties, json);
  }

  @Bean
  SmartLifecycle workerPoolLifecycle(WorkerPool pool) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        pool.start();
        running = true;
      }

      @Override
      public void stop() {
        pool.close();
        running = false;
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public int getPhase() {
        // Stop before the web server and the database pool, so jobs can checkpoint and be
        // handed back while both are still there.
        return Integer.MAX_VALUE - 1;
      }
    };
  }
}
