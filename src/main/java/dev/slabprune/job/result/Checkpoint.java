package dev.slabprune.job.result;

/** A saved training state and the epoch it was saved after. */
public record Checkpoint(int epoch, byte[] state) {}
