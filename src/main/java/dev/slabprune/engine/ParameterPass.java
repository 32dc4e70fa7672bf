package dev.slabprune.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the fused parameter pass of every layer, chunk by chunk, on the calling thread and, when
 * more than one thread is allowed, on a small fixed pool. A chunk's result depends only on its
 * parameters and its own noise stream, never on the thread or the order, so one thread and many
 * give the same bits.
 */
final class ParameterPass implements AutoCloseable {

  private final SlabLayer[] layers;
  private final int threads;
  private final int[] taskLayer;
  private final int[] taskChunk;
  private final SlabLayer.Scratch[] scratch;
  private final SlabLayer.Constants[] constants;
  private final long[] keys;
  private final AtomicInteger next = new AtomicInteger();
  private final Runnable[] helpers;
  private final Future<?>[] running;
  private ExecutorService pool;
  private boolean adam;
  private boolean draw;
  private NativeMatrix[] gradients;
  private NativeMatrix[] weights;

  ParameterPass(SlabLayer[] layers, int threads) {
    this.layers = layers;
    int tasks = 0;
    for (SlabLayer s : layers) {
      tasks += s.chunks;
    }
    this.threads = Math.max(1, Math.min(threads, tasks));
    taskLayer = new int[tasks];
    taskChunk = new int[tasks];
    int t = 0;
    for (int l = 0; l < layers.length; l++) {
      for (int k = 0; k < layers[l].chunks; k++) {
        taskLayer[t] = l;
        taskChunk[t] = k;
        t++;
      }
    }
    scratch = new SlabLayer.Scratch[this.threads];
    for (int i = 0; i < scratch.length; i++) {
      scratch[i] = new SlabLayer.Scratch();
    }
    constants = new SlabLayer.Constants[layers.length];
    for (int l = 0; l < layers.length; l++) {
      constants[l] = new SlabLayer.Constants();
    }
    keys = new long[layers.length];
    helpers = new Runnable[this.threads - 1];
    for (int i = 0; i < helpers.length; i++) {
      SlabLayer.Scratch own = scratch[i + 1];
      helpers[i] = () -> work(own);
    }
    running = new Future<?>[helpers.length];
  }

  /** The threads the pass may use. */
  int threads() {
    return threads;
  }

  /**
   * Adam on every parameter (when {@code adam}) and then the next sample (when {@code draw}) of
   * layer l under the draw key {@code keys[l]}.
   */
  void run(SlabLayer.Step step, boolean adam, boolean draw, long[] drawKeys) {
    run(step, adam, draw, drawKeys, null, null);
  }

  /**
   * As {@link #run(SlabLayer.Step, boolean, boolean, long[])}, with each layer's gradient read from
   * {@code gradients[l]} (when given) and its theta~ also written to {@code weights[l]} (when
   * given) chunk by chunk: see {@link SlabLayer#chunk}.
   */
  void run(
      SlabLayer.Step step,
      boolean adam,
      boolean draw,
      long[] drawKeys,
      NativeMatrix[] gradients,
      NativeMatrix[] weights) {
    this.adam = adam;
    this.draw = draw;
    this.gradients = gradients;
    this.weights = weights;
    for (int l = 0; l < layers.length; l++) {
      constants[l].set(step, adam);
      keys[l] = drawKeys[l];
    }
    next.set(0);
    if (threads > 1) {
      if (pool == null) {
        pool =
            Executors.newFixedThreadPool(
                helpers.length,
                r -> {
                  Thread thread = new Thread(r, "parameter-pass");
                  thread.setDaemon(true);
                  return thread;
                });
      }
      for (int i = 0; i < helpers.length; i++) {
        running[i] = pool.submit(helpers[i]);
      }
    }
    RuntimeException failure = null;
    try {
      work(scratch[0]);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (int i = 0; i < helpers.length && threads > 1; i++) {
      try {
        running[i].get();
      } catch (ExecutionException e) {
        failure = failure != null ? failure : new EngineException("parameter pass failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure != null ? failure : new EngineException("parameter pass interrupted", e);
      }
      running[i] = null;
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void work(SlabLayer.Scratch own) {
    int t;
    while ((t = next.getAndIncrement()) < taskLayer.length) {
      int l = taskLayer[t];
      layers[l].chunk(
          constants[l],
          taskChunk[t],
          adam,
          draw,
          keys[l],
          null,
          null,
          gradients == null ? null : gradients[l],
          weights == null ? null : weights[l],
          own);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
      pool = null;
    }
  }
}
