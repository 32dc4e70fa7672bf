package dev.slabprune.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Refuses to start a service whose JVM lacks the Vector API module, which every training step uses:
 * without it the service would start, take uploads and fail every job. The failure is reported by
 * {@link VectorModuleFailureAnalyzer} as the option to add.
 */
public class VectorModuleCheck implements EnvironmentPostProcessor {

  static final String MODULE = "jdk.incubator.vector";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication app) {
    check(ModuleLayer.boot().findModule(MODULE).isPresent());
  }

  /**
   * @param present whether the boot layer holds the module
   * @throws MissingVectorModuleException when it does not
   */
  static void check(boolean present) {
    if (!present) {
      throw new MissingVectorModuleException();
    }
  }

  /** The JVM was started without {@code --add-modules=jdk.incubator.vector}. */
  static final class MissingVectorModuleException extends IllegalStateException {

    MissingVectorModuleException() {
      super(
          "The JVM was started without the module "
              + MODULE
              + ", which the compression engine's training uses: every job would fail.");
    }
  }
}
