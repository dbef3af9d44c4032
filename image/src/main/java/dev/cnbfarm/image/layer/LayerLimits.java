package dev.cnbfarm.image.layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Budgets of one layer unpack: the bytes its files may take once unpacked (sparse files counted by
 * their real size, so a small tar cannot claim gigabytes unnoticed) and the number of entries. A
 * layer over either fails at the first entry past it, before that entry is written. Immutable.
 *
 * @param maxBytes the largest sum of file sizes a layer may unpack to
 * @param maxEntries the largest number of tar entries a layer may hold
 */
public record LayerLimits(long maxBytes, long maxEntries) {
  /** Env var of {@link #maxBytes}. */
  public static final String MAX_BYTES_ENV = "CNBFARM_LAYER_MAX_BYTES";
  /** Env var of {@link #maxEntries}. */
  public static final String MAX_ENTRIES_ENV = "CNBFARM_LAYER_MAX_ENTRIES";
  /** 16 GiB and one million entries: above any sane image layer, below a filled disk. */
  public static final LayerLimits DEFAULT = new LayerLimits(16L << 30, 1_000_000);

  public LayerLimits {
    if (maxBytes <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("layer limits must be positive: " + maxBytes + " bytes, " + maxEntries + " entries");
    }
  }

  /**
   * The limits {@code env} sets, the defaults for what it leaves out.
   *
   * @throws IllegalArgumentException naming every bad variable
   */
  public static LayerLimits fromEnvironment(Map<String, String> env) {
    List<String> bad = new ArrayList<>();
    long bytes = parse(env, MAX_BYTES_ENV, DEFAULT.maxBytes, bad);
    long entries = parse(env, MAX_ENTRIES_ENV, DEFAULT.maxEntries, bad);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
    return new LayerLimits(bytes, entries);
  }

  /** The limits of this process's environment, read once. */
  static LayerLimits current() {
    return Holder.CURRENT;
  }

  private static long parse(Map<String, String> env, String key, long fallback, List<String> bad) {
    String text = env.get(key);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.strip());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    bad.add(key + "='" + text + "' is not a positive whole number");
    return fallback;
  }

  private static final class Holder {
    static final LayerLimits CURRENT = fromEnvironment(System.getenv());
  }
}
