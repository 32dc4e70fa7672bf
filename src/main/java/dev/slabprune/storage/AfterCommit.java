package dev.slabprune.storage;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs work once the current transaction has committed, or at once outside a transaction. The
 * artifact store works on connections of its own, so removing bytes that a transaction has just
 * stopped referring to must wait for that transaction's commit.
 */
public final class AfterCommit {

  private AfterCommit() {}

  public static void run(Runnable work) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      work.run();
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            work.run();
          }
        });
  }
}
