package dev.slabprune.model.format;

import dev.slabprune.api.BadInputException;
import java.util.List;

/**
 * An uploaded model that cannot be read or is not a network this service compresses. The detail
 * names the place (the node's name and op, or the tensor's name) and what is supported instead.
 */
public class ModelFormatException extends BadInputException {

  /** The file is not an ONNX model at all. */
  public static final String UNREADABLE = "onnx-unreadable";

  /** A node whose op is not one of the supported ops. */
  public static final String UNSUPPORTED_OP = "onnx-unsupported-op";

  /** The nodes do not form one chain from the input to the output. */
  public static final String NOT_A_CHAIN = "onnx-not-a-chain";

  /** A weight or bias that is computed by the graph instead of stored in it. */
  public static final String COMPUTED_WEIGHTS = "onnx-computed-weights";

  /** A tensor whose values live in a separate file. */
  public static final String EXTERNAL_DATA = "onnx-external-data";

  /** A tensor or graph input of an element type other than float32 or float64. */
  public static final String UNSUPPORTED_DTYPE = "onnx-unsupported-dtype";

  /** A supported op used in a way that is not (an attribute value, an operand's shape). */
  public static final String UNSUPPORTED_USE = "onnx-unsupported-use";

  /** A tensor whose stored values do not match its declared shape. */
  public static final String MALFORMED_TENSOR = "onnx-malformed-tensor";

  /** The model exceeds a configured size limit. */
  public static final String TOO_LARGE = "onnx-too-large";

  public ModelFormatException(String slug, String title, String detail) {
    this(slug, title, detail, 400);
  }

  public ModelFormatException(String slug, String title, String detail, int status) {
    super(slug, title, detail, status, List.of(), null);
  }

  public ModelFormatException(String slug, String title, String detail, Throwable cause) {
    super(slug, title, detail, 400, List.of(), cause);
  }

  static ModelFormatException tooLarge(String detail) {
    return new ModelFormatException(TOO_LARGE, "Model too large", detail, 413);
  }
}
