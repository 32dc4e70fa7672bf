package dev.slabprune.support;

import dev.slabprune.model.format.OnnxExportOptions;
import java.util.Map;

/** Export options for the networks tests write as ONNX uploads. */
public final class TestOnnx {

  private TestOnnx() {}

  /** A network whose every input feature is kept: no Gather in front, the input as given. */
  public static OnnxExportOptions allInputs(
      String inputName, String outputName, int inputWidth, Map<String, String> metadata) {
    return new OnnxExportOptions(inputName, outputName, inputWidth, null, false, metadata);
  }
}
