package dev.slabprune.api;

import java.util.List;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

/** Checked paging parameters: out-of-range values are a 400, never silently clamped. */
public final class PageRequests {

  public static final int MAX_SIZE = 200;

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
    return PageRequest.of(page, size, Sort.by(Sort.Direction.DESC, "createdAt"));
  }
}
