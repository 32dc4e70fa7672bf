package dev.slabprune.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a JVM without the Vector API module as the option that adds it, no trace. */
class VectorModuleFailureAnalyzer
    extends AbstractFailureAnalyzer<VectorModuleCheck.MissingVectorModuleException> {

  static final String ACTION =
      "Start the service with `java --add-modules=jdk.incubator.vector -jar"
          + " target/slabprune-<version>.jar`, or set JDK_JAVA_OPTIONS=--add-modules=jdk.incubator.vector"
          + " (read by the java launcher); `./mvnw spring-boot:run` and the container image already"
          + " do.";

  @Override
  protected FailureAnalysis analyze(
      Throwable rootFailure, VectorModuleCheck.MissingVectorModuleException cause) {
    return new FailureAnalysis(cause.getMessage(), ACTION, cause);
  }
}
