package dev.cnbfarm.cli.cache;

import dev.cnbfarm.cli.console.FailurePolicy;
import dev.cnbfarm.cli.console.Failures;
import dev.cnbfarm.cli.console.HelpFlag;
import dev.cnbfarm.image.rootfs.CachePrune;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.rootfs.RootfsCache;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnbfarm cache prune [--max <size>] [--all]}: evicts least recently used unpacked layers and
 * layer-cache blobs of the cache dir ({@code CNBFARM_CACHE_DIR}) until it fits {@code --max}
 * (default: {@code CNBFARM_CACHE_MAX}), or everything not in use with {@code --all}. What live
 * processes on the dir use is never touched. Logic in {@link CachePrune}. Exit 0; 3 for a usage
 * error; 1 when the cache cannot be pruned.
 */
@Command(name = "prune", customSynopsis = CachePruneCommand.SYNOPSIS,
    description = "Evict least recently used unpacked layers and layer-cache blobs of CNBFARM_CACHE_DIR until the "
        + "cache fits the budget; never what a running process on the dir uses.")
public final class CachePruneCommand implements Callable<Integer>, FailurePolicy {
  static final String SYNOPSIS = "cnbfarm cache prune [--max <size>] [--all]";

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  @Mixin
  private HelpFlag help;
  @Option(names = "--max", paramLabel = "<size>",
      description = "the budget to prune to: bytes or a number with k, m or g (default: CNBFARM_CACHE_MAX, 20g)")
  private String max;
  @Option(names = "--all", description = "evict everything not in use")
  private boolean all;

  public CachePruneCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** Runs {@code cnbfarm cache prune} with these arguments; returns its exit code. */
  public int run(String[] args) {
    return Failures.install(new CommandLine(this).setCommandName("cnbfarm cache prune"), out).execute(args);
  }

  @Override
  public Integer call() {
    long budget;
    try {
      budget = max == null ? LocalCache.maxBytes(env) : LocalCache.size("--max", max);
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, e.getMessage());
    }
    try (LocalCache cache = LocalCache.open(LocalCache.dir(env), budget, RootfsCache.DEFAULT_KEEP_RECENT)) {
      CachePrune.Result r = CachePrune.run(cache, budget, all);
      out.println("freed " + mib(r.freedBytes()) + " MiB in " + r.entries() + " entries; cache now "
          + mib(r.totalBytes()) + " MiB of budget " + mib(r.budgetBytes()) + " MiB");
      return 0;
    }
  }

  @Override
  public PrintStream errors() {
    return err;
  }

  @Override
  public String name() {
    return "cache prune";
  }

  @Override
  public int failureExit() {
    return 1;
  }

  @Override
  public String needsValue(String flag) {
    return flag + " needs a size";
  }

  /** Bytes in MiB, rounded up so that a non-empty cache never reads as 0. */
  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
