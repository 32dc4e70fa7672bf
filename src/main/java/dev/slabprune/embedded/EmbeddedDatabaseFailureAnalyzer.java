package dev.slabprune.embedded;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an embedded database that cannot start as what is wrong and what to do, no trace. */
class EmbeddedDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedDatabaseException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedDatabaseException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
