package dev.cnbfarm.image.rootfs;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reading of a size setting ({@code CNBFARM_CACHE_MAX}, {@code CNBFARM_SANDBOX_MEMORY},
 * {@code CNBFARM_SANDBOX_DISK}, {@code cache prune --max}): plain bytes, or a whole number with
 * {@code k}, {@code m} or {@code g} (binary units, any case). Stateless.
 */
public final class ByteSize {
  private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg]?)");

  private ByteSize() {}

  /** Whether {@code text} is written as a size, whether or not it fits in a long. */
  public static boolean looksLikeSize(String text) {
    return SIZE.matcher(text.strip().toLowerCase(Locale.ROOT)).matches();
  }

  /** The bytes {@code text} names; empty when it is not a size or does not fit in a long. */
  public static OptionalLong parse(String text) {
    Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || m.group(1).length() > 18) {
      return OptionalLong.empty();
    }
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    long n = Long.parseLong(m.group(1));
    return n > (Long.MAX_VALUE >> shift) ? OptionalLong.empty() : OptionalLong.of(n << shift);
  }
}
