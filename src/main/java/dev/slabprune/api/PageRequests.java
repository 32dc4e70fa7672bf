package dev.slabprune.api;

import java.util.List;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

/** Checked paging parameters: out-of-range values are a 400, never silently clamped. */
public final class PageRequests {

  public static final int MAX_SIZE = 200;

  /** The first item a page may start at: offsets beyond a 32-bit count are refused. */
  public static final long MAX_OFFSET = Integer.MAX_VALUE;

  private PageRequests() {}

  public static PageRequest newestFirst(int page, int size) {
    if (page < 0 || size < 1 || size > MAX_SIZE) {
      throw new BadInputException(
          "invalid-paging",
          "Invalid paging",
          "page must be 0 or more and size between 1 and " + MAX_SIZE + ".",
          400,
          List.of(
              new BadInputException.Violation("page", "was " + page),
              new BadInputException.Violation("size", "was " + size)),
          null);
    }
    if ((long) page * size > MAX_OFFSET) {
      throw new BadInputException(
          "invalid-paging",
          "Invalid paging",
          "page "
              + page
              + " with size "
              + size
              + " starts beyond item "
              + MAX_OFFSET
              + ": ask for a page that exists (totalPages in any page says how many there are).",
          400,
          List.of(new BadInputException.Violation("page", "was " + page)),
          null);
    }
    return PageRequest.of(page, size, Sort.by(Sort.Direction.DESC, "createdAt"));
  }
}
