package dev.slabprune.model.format;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Counts, from the wire bytes and without building anything, what parsing a model would build: the
 * nodes of its graph and the messages in all. A message costs tens of bytes of heap but may take
 * two bytes of file, so a file of empty nodes or tensors (a "protobuf bomb") would cost some eighty
 * times its size before any limit could be checked on the parsed model. Malformed bytes end the
 * count quietly: the parser that follows refuses them with its own message.
 */
final class WireBudget {

  /** The most messages of any kind (nodes, attributes, tensors, shapes) per allowed node. */
  static final int MESSAGES_PER_NODE = 100;

  private static final int MAX_DEPTH = 64;
  private static final int GRAPH_NODE = GraphProto.NODE_FIELD_NUMBER;
  private static final int MODEL_GRAPH = ModelProto.GRAPH_FIELD_NUMBER;

  private final OnnxLimits limits;
  private final long maxMessages;
  private long messages;
  private long nodes;

  private WireBudget(OnnxLimits limits) {
    this.limits = limits;
    this.maxMessages = (long) MESSAGES_PER_NODE * limits.maxNodes();
  }

  /** Refuses a model whose graph has too many nodes, or that holds too many messages. */
  static void check(byte[] bytes, OnnxLimits limits) {
    WireBudget budget = new WireBudget(limits);
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    try {
      budget.scan(in, ModelProto.getDescriptor(), 0, false);
    } catch (IOException e) {
      // malformed: left to the parser
    }
  }

  /** Scans fields until the end of the current limit or an end-group tag. */
  private void scan(CodedInputStream in, Descriptor type, int depth, boolean topGraph)
      throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      int number = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      FieldDescriptor field = type == null ? null : type.findFieldByNumber(number);
      if (field == null) {
        count(); // an unknown field is kept, as an object of its own
      }
      switch (wire) {
        case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          int length = in.readRawVarint32();
          if (field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            count();
            boolean graph = depth == 0 && number == MODEL_GRAPH;
            if (topGraph && number == GRAPH_NODE && ++nodes > limits.maxNodes()) {
              throw ModelFormatException.tooLarge(
                  "The graph has more than "
                      + limits.maxNodes()
                      + " nodes, the limit; upload a smaller model or raise the limit.");
            }
            if (depth + 1 > MAX_DEPTH) {
              return; // the parser refuses this nesting
            }
            int old = in.pushLimit(length);
            scan(in, field.getMessageType(), depth + 1, graph);
            in.popLimit(old);
          } else {
            in.skipRawBytes(length);
          }
        }
        case WireFormat.WIRETYPE_START_GROUP -> {
          count();
          if (depth + 1 > MAX_DEPTH) {
            return;
          }
          scan(in, null, depth + 1, false);
        }
        case WireFormat.WIRETYPE_END_GROUP -> {
          return;
        }
        default -> in.skipField(tag);
      }
    }
  }

  private void count() {
    if (++messages > maxMessages) {
      throw ModelFormatException.tooLarge(
          "The model holds more than "
              + maxMessages
              + " protobuf messages (nodes, attributes, tensors, shapes): "
              + MESSAGES_PER_NODE
              + " per node of the limit maxNodes = "
              + limits.maxNodes()
              + "; upload a smaller model or raise the limit.");
    }
  }
}
