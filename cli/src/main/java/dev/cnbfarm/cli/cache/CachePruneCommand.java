package dev.cnbfarm.cli.cache;

import dev.cnbfarm.image.rootfs.CachePrune;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.rootfs.RootfsCache;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code cnbfarm cache prune [--max <size>] [--all]}: evicts least recently used unpacked layers and
 * layer-cache blobs of the cache dir ({@code CNBFARM_CACHE_DIR}) until it fits {@code --max}
 * (default: {@code CNBFARM_CACHE_MAX}), or everything not in use with {@code --all}. What live
 * processes on the dir use is never touched. Logic in {@link CachePrune}.
 */
public final class CachePruneCommand {
  public static final String USAGE = """
      usage: cnbfarm cache prune [--max <size>] [--all]
        Evicts least recently used unpacked layers and layer-cache blobs of CNBFARM_CACHE_DIR
        until the cache fits the budget; never what a running process on the dir uses.
        --max <size>  the budget to prune to: bytes or a number with k, m or g
                      (default: CNBFARM_CACHE_MAX, 20g)
        --all         evict everything not in use
        -h, --help    print this help
      """;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  public CachePruneCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** Runs the command; returns 0, 3 for a usage error, 1 when the cache cannot be pruned. */
  public int run(String[] args) {
    String max = null;
    boolean all = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        out.print(USAGE);
        return 0;
      } else if (a.equals("--all")) {
        all = true;
      } else if (a.equals("--max") && i + 1 < args.length) {
        max = args[++i];
      } else if (a.startsWith("--max=")) {
        max = a.substring("--max=".length());
      } else {
        return usageError(a.equals("--max") ? "--max needs a size" : "unknown argument " + a);
      }
    }
    long budget;
    try {
      budget = max == null ? LocalCache.maxBytes(env) : LocalCache.size("--max", max);
    } catch (IllegalArgumentException e) {
      return usageError(e.getMessage());
    }
    try (LocalCache cache = LocalCache.open(LocalCache.dir(env), budget, RootfsCache.DEFAULT_KEEP_RECENT)) {
      CachePrune.Result r = CachePrune.run(cache, budget, all);
      out.println("freed " + mib(r.freedBytes()) + " MiB in " + r.entries() + " entries; cache now "
          + mib(r.totalBytes()) + " MiB of budget " + mib(r.budgetBytes()) + " MiB");
      return 0;
    } catch (UncheckedIOException | IllegalArgumentException e) {
      err.println("ERROR: cannot prune the cache: " + e.getMessage());
      return 1;
    }
  }

  private int usageError(String message) {
    err.println("ERROR: " + message);
    err.print(USAGE);
    return 3;
  }

  /** Bytes in MiB, rounded up so that a non-empty cache never reads as 0. */
  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
