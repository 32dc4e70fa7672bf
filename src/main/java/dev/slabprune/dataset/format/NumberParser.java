package dev.slabprune.dataset.format;

import java.nio.charset.StandardCharsets;

/**
 * Parses decimal numbers straight from ASCII bytes, without making a String. Plain numbers of up to
 * 18 significant digits with small exponents take a fast path (one exact-operand double operation,
 * then rounding to float); anything else falls back to {@link Float#parseFloat}.
 */
final class NumberParser {

  /** The outcome of the last parse. */
  enum Status {
    OK,
    EMPTY,
    NOT_A_NUMBER,
    NOT_FINITE
  }

  private static final double[] POW10 = new double[23];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  Status status;

  float parse(byte[] c, int off, int len) {
    int start = off;
    int end = off + len;
    while (start < end && (c[start] == ' ' || c[start] == '\t')) {
      start++;
    }
    while (end > start && (c[end - 1] == ' ' || c[end - 1] == '\t')) {
      end--;
    }
    if (start == end) {
      status = Status.EMPTY;
      return 0;
    }
    int i = start;
    boolean negative = false;
    if (c[i] == '-' || c[i] == '+') {
      negative = c[i] == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int exponent = 0;
    boolean any = false;
    boolean exact = true;
    while (i < end && c[i] >= '0' && c[i] <= '9') {
      any = true;
      if (digits < 18) {
        mantissa = mantissa * 10 + (c[i] - '0');
        if (mantissa != 0) {
          digits++;
        }
      } else {
        exponent++;
        exact = exact && c[i] == '0';
      }
      i++;
    }
    if (i < end && c[i] == '.') {
      i++;
      while (i < end && c[i] >= '0' && c[i] <= '9') {
        any = true;
        if (digits < 18) {
          mantissa = mantissa * 10 + (c[i] - '0');
          exponent--;
          if (mantissa != 0) {
            digits++;
          }
        } else {
          exact = exact && c[i] == '0';
        }
        i++;
      }
    }
    if (!any) {
      return special(c, start, end);
    }
    if (i < end && (c[i] == 'e' || c[i] == 'E')) {
      i++;
      boolean negExp = false;
      if (i < end && (c[i] == '-' || c[i] == '+')) {
        negExp = c[i] == '-';
        i++;
      }
      int e = 0;
      boolean expDigits = false;
      while (i < end && c[i] >= '0' && c[i] <= '9') {
        expDigits = true;
        if (e < 100_000) {
          e = e * 10 + (c[i] - '0');
        }
        i++;
      }
      if (!expDigits) {
        status = Status.NOT_A_NUMBER;
        return 0;
      }
      exponent += negExp ? -e : e;
    }
    if (i != end) {
      status = Status.NOT_A_NUMBER;
      return 0;
    }
    float value;
    if (exact && mantissa <= (1L << 53) && exponent >= -22 && exponent <= 22) {
      double v = mantissa;
      v = exponent < 0 ? v / POW10[-exponent] : v * POW10[exponent];
      value = (float) (negative ? -v : v);
    } else {
      value = Float.parseFloat(new String(c, start, end - start, StandardCharsets.ISO_8859_1));
    }
    if (Float.isInfinite(value)) {
      status = Status.NOT_FINITE;
      return value;
    }
    status = Status.OK;
    return value;
  }

  private float special(byte[] c, int start, int end) {
    String s =
        new String(c, start, end - start, StandardCharsets.ISO_8859_1)
            .toLowerCase(java.util.Locale.ROOT);
    if (s.startsWith("+") || s.startsWith("-")) {
      s = s.substring(1);
    }
    status =
        s.equals("nan") || s.equals("inf") || s.equals("infinity")
            ? Status.NOT_FINITE
            : Status.NOT_A_NUMBER;
    return Float.NaN;
  }
}
