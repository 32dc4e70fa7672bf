package dev.slabprune.api;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

/**
 * Says what is wrong with a request body or parameter in the client's terms: the field as a dotted
 * path ({@code settings.epochs}), the type it must have, what was sent, and where (line and
 * column). Never a Java class name.
 */
final class RequestProblems {

  /** What one unreadable body comes to: the field (empty for the body itself), and what to fix. */
  record Unreadable(String field, String message, Integer line, Integer column) {
    String detail() {
      String where = line == null ? "" : " (line " + line + ", column " + column + ")";
      return (field.isEmpty() ? "The body " : field + " ") + message + where + ".";
    }

    Map<String, Object> error() {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("location", field.isEmpty() ? "body" : field);
      error.put("message", message);
      if (line != null) {
        error.put("line", line);
        error.put("column", column);
      }
      return error;
    }
  }

  private RequestProblems() {}

  static Unreadable of(JacksonException e) {
    String field = path(e);
    Integer line = null;
    Integer column = null;
    TokenStreamLocation location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      line = location.getLineNr();
      column = location.getColumnNr();
    }
    String message;
    if (e instanceof PropertyBindingException unknown) {
      String name = unknown.getPropertyName();
      field = field.isEmpty() || field.endsWith(name) ? field : field + "." + name;
      message = "is not a known field" + known(unknown.getKnownPropertyIds());
    } else if (e.getOriginalMessage() != null
        && e.getOriginalMessage().startsWith("Trailing token")) {
      message = "is not valid JSON: there is more after the JSON value; send one value";
    } else if (e instanceof InvalidFormatException invalid) {
      message =
          "must be " + expected(invalid.getTargetType()) + ", not " + shown(invalid.getValue());
    } else if (e instanceof MismatchedInputException mismatch) {
      message =
          "must be "
              + expected(mismatch.getTargetType())
              + (mismatch.getCurrentToken() == null
                  ? ""
                  : ", not " + token(mismatch.getCurrentToken()));
    } else if (e instanceof InputCoercionException coercion) {
      message =
          "must be " + expected(coercion.getTargetType()) + ": the number sent is out of its range";
    } else if (e instanceof StreamReadException read) {
      String original = read.getOriginalMessage() == null ? "" : read.getOriginalMessage();
      int newline = original.indexOf('\n');
      message =
          "is not valid JSON: "
              + (newline < 0 ? original : original.substring(0, newline))
                  .replaceAll("\\s*\\(for .*?\\)", "");
    } else {
      message = "could not be read as the JSON this operation takes";
    }
    return new Unreadable(field, message, line, column);
  }

  /** What a parameter of {@code type} must look like. */
  static String expected(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == Integer.class || type == int.class) {
      return "an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE;
    }
    if (type == Long.class || type == long.class || type == Short.class || type == short.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class || type == Character.class || type == char.class) {
      return "a string";
    }
    if (type == UUID.class) {
      return "a UUID such as 123e4567-e89b-42d3-a456-426614174000";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants());
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (type == Object.class) {
      return "a value";
    }
    return "an object";
  }

  private static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String known(Collection<Object> ids) {
    if (ids == null || ids.isEmpty()) {
      return "";
    }
    return "; the fields are "
        + ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static String token(JsonToken token) {
    return switch (token) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a fractional number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_NULL -> "null";
      default -> "what was sent";
    };
  }

  private static String shown(Object value) {
    String text = String.valueOf(value);
    if (text.length() > 40) {
      text = text.substring(0, 40) + "...";
    }
    return value instanceof String ? "\"" + text + "\"" : text;
  }
}
