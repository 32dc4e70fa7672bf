package dev.slabprune.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps JSON request bodies at {@code slabprune.limits.max-json-bytes}: a larger declared length is
 * refused before the body is read, and a body without a length stops being read at the limit. Both
 * answer 413 (through {@link ProblemDetailsAdvice}).
 */
@Component
class JsonBodyLimit extends OncePerRequestFilter {

  /** The setting that holds the limit. */
  static final String SETTING = "slabprune.limits.max-json-bytes";

  /** Thrown while reading a JSON body that has passed the limit. */
  static final class TooLarge extends IOException {
    private final long limit;

    TooLarge(long limit) {
      super("the JSON body is larger than " + limit + " bytes");
      this.limit = limit;
    }

    long limit() {
      return limit;
    }
  }

  private final long limit;

  JsonBodyLimit(@Value("${" + SETTING + ":1MB}") DataSize limit) {
    if (limit.toBytes() < 1) {
      throw new IllegalArgumentException(SETTING + " must be at least one byte");
    }
    this.limit = limit.toBytes();
  }

  long limit() {
    return limit;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String type = request.getContentType();
    if (type == null) {
      return true;
    }
    String media = type.toLowerCase(Locale.ROOT);
    int semicolon = media.indexOf(';');
    media = (semicolon < 0 ? media : media.substring(0, semicolon)).strip();
    return !(media.equals("application/json") || media.endsWith("+json"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    chain.doFilter(new Limited(request, limit), response);
  }

  /** A request whose body stops at the limit. */
  private static final class Limited extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Limited(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new Counting(super.getInputStream(), limit, getContentLengthLong() > limit);
      }
      return stream;
    }
  }

  private static final class Counting extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private final boolean declaredTooLarge;
    private long read;

    Counting(ServletInputStream in, long limit, boolean declaredTooLarge) {
      this.in = in;
      this.limit = limit;
      this.declaredTooLarge = declaredTooLarge;
    }

    private void check() throws TooLarge {
      if (declaredTooLarge || read > limit) {
        throw new TooLarge(limit);
      }
    }

    @Override
    public int read() throws IOException {
      check();
      int b = in.read();
      if (b >= 0) {
        read++;
        check();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      check();
      int n = in.read(buffer, offset, (int) Math.min(length, limit - read + 1));
      if (n > 0) {
        read += n;
        check();
      }
      return n;
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
