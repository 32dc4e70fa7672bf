package dev.slabprune.model.format;

/**
 * Caps on what the ONNX reader accepts, checked before anything of that size is allocated.
 *
 * @param maxBytes largest model file
 * @param maxNodes most nodes in the graph
 * @param maxWidth widest layer (input features or units)
 * @param maxTensorElements most values in one tensor
 */
public record OnnxLimits(long maxBytes, int maxNodes, int maxWidth, long maxTensorElements) {

  /** 512 MiB files, 10,000 nodes, a million units per layer, 128 million values per tensor. */
  public static final OnnxLimits DEFAULTS = new OnnxLimits(512L << 20, 10_000, 1 << 20, 1L << 27);

  public OnnxLimits {
    if (maxBytes <= 0 || maxNodes <= 0 || maxWidth <= 0 || maxTensorElements <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a model is read into one array: at most 2 GiB");
    }
  }
}
