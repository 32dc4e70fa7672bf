import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code bench/run ab}: two or more builds of the engine side by side in one JVM. Each build's
 * classes directory gets its own class loader (with the test classes, for
 * dev.slabprune.engine.AbDriver), so each has its own trainers and its own compiled code; their
 * steps alternate, the first of each round taking turns, and the load of a shared machine falls on
 * all alike. Arguments: {@code DIR[,DIR...] step|fb|pass|dense STEPS [THREADS] TEST_CLASSES}.
 * One JSON line: per build the p10 and median of wall and thread CPU ms.
 */
public final class Ab {

  public static void main(String[] args) throws Throwable {
    String[] dirs = args[0].split(",");
    String what = args[1];
    int steps = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    Path tests = Path.of(args[4]);
    int builds = dirs.length;
    MethodHandle[] call = new MethodHandle[builds];
    for (int i = 0; i < builds; i++) {
      URLClassLoader loader =
          new URLClassLoader(
              new URL[] {Path.of(dirs[i]).toUri().toURL(), tests.toUri().toURL()},
              Ab.class.getClassLoader());
      Class<?> driver = Class.forName("dev.slabprune.engine.AbDriver", true, loader);
      driver.getMethod("init", int.class).invoke(null, threads);
      call[i] =
          MethodHandles.publicLookup()
              .findStatic(driver, what, MethodType.methodType(void.class, int.class));
    }
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    double[][] wall = new double[builds][steps];
    double[][] cpu = new double[builds][steps];
    for (int k = 0; k < 600; k++) {
      for (int i = 0; i < builds; i++) {
        call[i].invokeExact(k);
      }
    }
    for (int k = 0; k < steps; k++) {
      for (int j = 0; j < builds; j++) {
        int i = (k + j) % builds;
        long c0 = tm.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        call[i].invokeExact(k);
        wall[i][k] = (System.nanoTime() - t0) / 1e6;
        cpu[i][k] = (tm.getCurrentThreadCpuTime() - c0) / 1e6;
      }
    }
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT, "{\"what\":\"%s\",\"steps\":%d,\"threads\":%d", what, steps, threads));
    for (int i = 0; i < builds; i++) {
      Arrays.sort(wall[i]);
      Arrays.sort(cpu[i]);
      b.append(
          String.format(
              Locale.ROOT,
              ",\"%s\":{\"wall_ms\":[%.3f,%.3f],\"cpu_ms\":[%.3f,%.3f]}",
              dirs[i],
              wall[i][steps / 10],
              wall[i][steps / 2],
              cpu[i][steps / 10],
              cpu[i][steps / 2]));
    }
    System.out.println(b.append("}"));
  }
}
