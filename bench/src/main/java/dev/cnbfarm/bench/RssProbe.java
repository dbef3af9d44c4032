package dev.cnbfarm.bench;

import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.RoutingImageStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Peak RSS of one extend: the parent starts a child JVM (same java, same JVM flags, same
 * classpath) running {@code BenchMain extend-rss}, which extends the base with a Dockerfile
 * writing an N MB file and prints its {@code VmHWM} from {@code /proc/self/status}. Stateless.
 */
public final class RssProbe {
  private static final String HWM = "VmHWM:";
  private static final String LAYER = "layer-bytes:";

  /** What the child reported, plus how it was started. */
  record Result(long vmHwmKb, long layerTarBytes, long layerGzipBytes, List<String> jvmFlags) {}

  private RssProbe() {}

  /** Parent side: runs the child and parses its report. */
  static Result runChild(Path cache, ImageRef base, int megabytes, Path logs) {
    List<String> jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments();
    List<String> argv = new ArrayList<>();
    argv.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    argv.addAll(jvmFlags);
    argv.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cnbfarm.bench.BenchMain", "extend-rss",
        "-cache", cache.toString(), "-base", base.toString(), "-megabytes", Integer.toString(megabytes)));
    String output = HostCommand.run(argv, logs.resolve("extend-rss.log"));
    long hwm = -1;
    long tar = -1;
    long gzip = -1;
    for (String line : output.split("\n")) {
      if (line.startsWith(HWM)) {
        hwm = Long.parseLong(line.substring(HWM.length()).replace("kB", "").strip());
      } else if (line.startsWith(LAYER)) {
        String[] f = line.substring(LAYER.length()).strip().split("\\s+");
        tar = Long.parseLong(f[0]);
        gzip = Long.parseLong(f[1]);
      }
    }
    if (hwm < 0 || tar < 0) {
      throw new IllegalStateException("the extend-rss child printed no VmHWM or layer size:\n" + output);
    }
    return new Result(hwm, tar, gzip, jvmFlags);
  }

  /** Child side ({@code extend-rss -cache <dir> -base <ref> -megabytes N}). */
  public static int child(String[] args, PrintStream out) {
    BenchFlags flags = BenchFlags.parse(args, Set.of("cache", "base", "megabytes"));
    Path work = Path.of(flags.values().get("cache")).resolve("work");
    int megabytes = Integer.parseInt(flags.values().get("megabytes"));
    ImageRef base = ImageRef.parse(flags.values().get("base"));
    ExtendFixture fx = new ExtendFixture(work.resolve("rss-layers"), base, ExtendFixture.dockerfile(megabytes, false));
    StepClock clock = new StepClock();
    ExtenderPhase.Outcome o = fx.extend(RoutingImageStore.withDefaults(), new ExtendWorkspace(work.resolve("ws")),
        "0s", clock);
    ExtendCheck.verify(o, 1, 0, false, megabytes * ExtendBenchmark.MIB);
    var layer = o.image().layers().get(o.image().layers().size() - 1);
    long tar = payloadBytes(layer.dir());
    out.println(LAYER + " " + tar + " " + layer.blob().orElseThrow().size());
    out.println(vmHwm());
    DebianBase.delete(work.resolve("rss-layers"));
    return 0;
  }

  /** Bytes of regular files under the layer dir (the tar's payload, headers aside). */
  static long payloadBytes(Path dir) {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String vmHwm() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(HWM)).findFirst()
          .orElseThrow(() -> new IllegalStateException("no VmHWM in /proc/self/status"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
