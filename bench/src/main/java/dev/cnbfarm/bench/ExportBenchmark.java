package dev.cnbfarm.bench;

import dev.cnbfarm.image.store.CountingImageStore;
import dev.cnbfarm.image.store.RegistryProcess;
import dev.cnbfarm.image.export.ExportRequest;
import dev.cnbfarm.image.export.ExportResult;
import dev.cnbfarm.image.export.Exporter;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.rebase.RebaseRequest;
import dev.cnbfarm.image.rebase.RebaseResult;
import dev.cnbfarm.image.rebase.Rebaser;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.BlobPush;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.Manifest;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.image.store.Platform;
import dev.cnbfarm.image.store.RoutingImageStore;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code scripts/bench export}: exports of an app image whose layers are all in the registry
 * already, on a ~5 MB and a ~1 GB run image (plus the same ~5 MB app layer), against a full
 * upload of the same image by {@code skopeo copy}; and rebases of the 1 GB app image between two
 * 1 GB run images that differ in their top layer. Layers hold incompressible random data. Every
 * timed run is verified (all layers EXISTED, same digest; rebase: new base layers, nothing pulled
 * or uploaded). Prints medians.
 */
public final class ExportBenchmark {
  private static final long MB = 1_000_000;

  private final PrintStream out;

  public ExportBenchmark(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) {
    BenchFlags flags = BenchFlags.parse(args, Set.of("cache", "runs", "copies"));
    Path work = Path.of(flags.values().getOrDefault("cache", ExtendBenchmark.defaultCacheDir())).resolve("export");
    int runs = Integer.parseInt(flags.values().getOrDefault("runs", "7"));
    int copies = Integer.parseInt(flags.values().getOrDefault("copies", "3"));
    if (!HostCommand.onPath("skopeo")) {
      out.println("ERROR: skopeo is missing (apt-get install -y --no-install-recommends skopeo)");
      return 1;
    }
    DebianBase.delete(work);
    try (RegistryProcess registry = RegistryProcess.start(work.resolve("registry"))) {
      out.printf("registry: docker-registry pid %d on %s%n", registry.pid(), registry.host());
      CountingImageStore store = new CountingImageStore(RoutingImageStore.withDefaults());
      String h = registry.host();
      out.println("setup (untimed): run images of random data, gzip level 0");
      Image small = runImage(store, ImageRef.parse(h + "/bench/run-10m:a"), work, List.of(5 * MB), 1);
      List<Long> big = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        big.add(128 * MB);
      }
      big.add(1 * MB); // the top layer, different in :a and :b
      Image largeA = runImage(store, ImageRef.parse(h + "/bench/run-1g:a"), work, big, 100);
      Image largeB = runImage(store, ImageRef.parse(h + "/bench/run-1g:b"), work, big, 200);
      Path app = appInputs(work.resolve("app"));

      Sample s10 = exportAndCopy(store, h, "10m", small, app, work, runs, copies);
      Sample s1g = exportAndCopy(store, h, "1g", largeA, app, work, runs, copies);
      RebaseSample rb = rebase(store, ImageRef.parse(h + "/bench/app-1g:1"), largeA, largeB, runs);

      out.println();
      out.println("== export and rebase (medians; every run verified) ==");
      for (Sample s : List.of(s10, s1g)) {
        out.printf("export, all layers in the registry, %-6s image (%.1f MB, %d layers): %.3f s over %d runs "
            + "(target < 0.5 s: %s) | skopeo copy full upload: %.3f s over %d runs | skopeo/export = %.1fx%n",
            s.label, s.bytes / 1e6, s.layers, s.export, runs, s.export < 0.5 ? "met" : "MISSED", s.upload, copies,
            s.upload / s.export);
      }
      out.printf("export time 1 GB / 10 MB: %.2fx for %.0fx the bytes (%d vs %d layers: one registry check per layer)%n",
          s1g.export / s10.export, (double) s1g.bytes / s10.bytes, s1g.layers, s10.layers);
      out.printf("rebase of the 1 GB app image onto another 1 GB run image: %.3f s over %d runs (target < 0.5 s: %s);"
          + " %d base layers replaced, %d kept, 0 blobs pulled, 0 uploaded%n", rb.median, rb.runs,
          rb.median < 0.5 ? "met" : "MISSED", rb.replaced, rb.kept);
      out.println("load average (1/5/15 min) after: " + loadAverage());
      return 0;
    } catch (LifecycleException e) {
      out.println("ERROR: " + e.getMessage());
      return e.code().exitCode();
    } catch (RuntimeException e) {
      out.println("ERROR: " + e);
      return 1;
    } finally {
      DebianBase.delete(work);
    }
  }

  record Sample(String label, long bytes, int layers, double export, double upload) {}

  record RebaseSample(double median, int runs, int replaced, int kept) {}

  private Sample exportAndCopy(CountingImageStore store, String host, String size, Image run, Path app, Path work,
      int runs, int copies) {
    ImageRef target = ImageRef.parse(host + "/bench/app-" + size + ":1");
    ExportRequest req = request(app, run, host + "/bench/run-" + size, target);
    Exporter exporter = new Exporter(store, Reporter.NONE);
    ExportResult first = exporter.export(req);
    out.printf("export %s warm-up (untimed): %s, uploaded %d, mounted %d, existed %d%n", size, first.digest(),
        first.count(BlobPush.Outcome.UPLOADED), first.count(BlobPush.Outcome.MOUNTED),
        first.count(BlobPush.Outcome.EXISTED));
    List<Double> times = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      int pulls = store.pulled().size();
      int uploads = store.uploads();
      long start = System.nanoTime();
      ExportResult r = exporter.export(req);
      double s = (System.nanoTime() - start) / 1e9;
      if (!r.digest().equals(first.digest())) {
        throw new IllegalStateException("export " + i + " gave " + r.digest() + ", the first gave " + first.digest());
      }
      if (r.count(BlobPush.Outcome.EXISTED) != r.layers().size() || store.pulled().size() != pulls
          || store.uploads() != uploads) {
        throw new IllegalStateException("export " + i + " moved blobs: " + r.layers());
      }
      times.add(s);
      out.printf("export %s run %d: %.3f s (%d layers EXISTED, digest unchanged)%n", size, i, s, r.layers().size());
    }
    Image image = first.image();
    long bytes = image.manifest().layers().stream().mapToLong(Descriptor::size).sum();

    // skopeo: download once to dir: (untimed), then upload to a registry that has none of the blobs.
    // A fresh registry (new port) per upload: skopeo's persistent blob-info cache would otherwise
    // find the blobs in an earlier repository of the same registry and mount them instead.
    Path dir = work.resolve("skopeo-" + size);
    HostCommand.run(List.of("skopeo", "copy", "-q", "--src-tls-verify=false", "docker://" + target, "dir:" + dir),
        work.resolve("logs/skopeo-download-" + size + ".log"));
    List<Double> uploads = new ArrayList<>();
    for (int n = 1; n <= copies; n++) {
      Path regDir = work.resolve("upload-registry-" + size + "-" + n);
      try (RegistryProcess fresh = RegistryProcess.start(regDir)) {
        String dest = "docker://" + fresh.host() + "/bench/copy-" + size + "-" + n + ":1";
        long start = System.nanoTime();
        HostCommand.run(List.of("skopeo", "copy", "-q", "--dest-tls-verify=false", "dir:" + dir, dest),
            work.resolve("logs/skopeo-upload-" + size + "-" + n + ".log"));
        double s = (System.nanoTime() - start) / 1e9;
        long stored = blobBytes(regDir.resolve("data"));
        if (stored < bytes) {
          throw new IllegalStateException("skopeo upload " + n + " stored " + stored + " bytes, the image has " + bytes);
        }
        uploads.add(s);
        out.printf("skopeo copy dir: -> %s (full upload, %.1f MB of blobs stored): %.3f s%n", dest, stored / 1e6, s);
      } finally {
        DebianBase.delete(regDir);
      }
    }
    DebianBase.delete(dir);
    return new Sample(size.equals("1g") ? "1 GB" : "10 MB", bytes, image.manifest().layers().size(),
        ExtendBenchmark.median(times), ExtendBenchmark.median(uploads));
  }

  private RebaseSample rebase(CountingImageStore store, ImageRef app, Image runA, Image runB, int runs) {
    Rebaser rebaser = new Rebaser(store, Reporter.NONE);
    List<Double> times = new ArrayList<>();
    Digest[] seen = new Digest[2];
    RebaseResult last = null;
    for (int i = 1; i <= runs * 2; i++) {
      boolean toB = i % 2 == 1;
      Image onto = toB ? runB : runA;
      int pulls = store.pulled().size();
      int uploads = store.uploads();
      long start = System.nanoTime();
      RebaseResult r = rebaser.rebase(new RebaseRequest(app, Optional.of(onto.ref()), false, List.of()));
      double s = (System.nanoTime() - start) / 1e9;
      List<Descriptor> layers = r.image().manifest().layers();
      List<Digest> base = onto.manifest().layers().stream().map(Descriptor::digest).toList();
      if (r.unchanged() || !layers.subList(0, base.size()).stream().map(Descriptor::digest).toList().equals(base)
          || !store.read(app).manifestDigest().equals(r.digest())) {
        throw new IllegalStateException("rebase " + i + " onto " + onto.ref() + " did not put the app on its layers");
      }
      if (store.pulled().size() != pulls || store.uploads() != uploads) {
        throw new IllegalStateException("rebase " + i + " pulled " + (store.pulled().size() - pulls) + " and uploaded "
            + (store.uploads() - uploads) + " blobs");
      }
      int k = toB ? 0 : 1;
      if (seen[k] != null && !seen[k].equals(r.digest())) {
        throw new IllegalStateException("rebase onto " + onto.ref() + " gave " + r.digest() + ", before " + seen[k]);
      }
      seen[k] = r.digest();
      out.printf("rebase %d onto %s: %.3f s (%s; %d base layers replaced, 0 pulled, 0 uploaded)%n", i, onto.ref(), s,
          r.digest(), r.replacedLayers());
      if (i > 1) { // the first one is the warm-up
        times.add(s);
      }
      last = r;
    }
    return new RebaseSample(ExtendBenchmark.median(times), times.size(), last.replacedLayers(), last.keptLayers());
  }

  /** Pushes a run image of one layer of {@code sizes[i]} random bytes each (seeded by {@code seed + i}). */
  private Image runImage(ImageStore store, ImageRef ref, Path work, List<Long> sizes, long seed) {
    ImageConfig config = ImageConfig.empty(Platform.LINUX_AMD64).withEnv(List.of("PATH=/usr/bin:/bin"));
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      Path tree = work.resolve("tree");
      DebianBase.delete(tree);
      randomFile(tree.resolve("opt/run/layer-" + i), sizes.get(i), seed + i);
      LayerBlob blob = LayerWriter.of().withCompressionLevel(0).writeTree(tree, work.resolve("layer.tar.gz"));
      store.pushBlob(ref, blob);
      layers.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()));
      config = config.withLayer(blob.diffId(), new ImageConfig.History("", "random " + sizes.get(i), "", false));
      DebianBase.delete(tree);
      DebianBase.delete(blob.file());
    }
    byte[] json = config.toJson();
    store.pushManifest(ref, Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(json), json.length), layers),
        json);
    Image image = store.read(ref);
    out.printf("  run image %s: %d layers, %.1f MB%n", ref, layers.size(),
        layers.stream().mapToLong(Descriptor::size).sum() / 1e6);
    return image;
  }

  /** Layers dir with buildpack bp/a's launch layer {@code web} (5 MB random), an app dir and a launcher. */
  private static Path appInputs(Path dir) {
    try {
      Path bp = Files.createDirectories(dir.resolve("layers/bp_a"));
      Files.writeString(bp.resolve("web.toml"), "[types]\nlaunch = true\n");
      randomFile(bp.resolve("web/lib/data.bin"), 5 * MB, 7);
      Files.writeString(Files.createDirectories(bp.resolve("web/bin")).resolve("serve"), "#!/bin/sh\necho serving\n");
      Files.writeString(Files.createDirectories(dir.resolve("layers/config")).resolve("metadata.toml"), """
          [[buildpacks]]
          id = "bp/a"
          version = "1.0"
          api = "0.10"
          [[processes]]
          type = "web"
          command = ["serve"]
          default = true
          buildpack-id = "bp/a"
          """);
      Files.writeString(Files.createDirectories(dir.resolve("app")).resolve("index.html"), "hello\n");
      Files.writeString(dir.resolve("launcher"), "#!/bin/sh\nexec \"$@\"\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ExportRequest request(Path dir, Image run, String runName, ImageRef target) {
    Path layers = dir.resolve("layers");
    Analyzed analyzed = Analyzed.parse("[run-image]\nreference = \"" + run.pinnedRef() + "\"\nimage = \"" + runName
        + "\"\n", "analyzed.toml");
    return new ExportRequest(layers, dir.resolve("app"), dir.resolve("launcher"),
        layers.resolve("project-metadata.toml"), layers.resolve("extended"), analyzed,
        new Group(List.of(new GroupEntry("bp/a", "1.0", "0.10", "")), List.of()),
        new RunMetadata(List.of(new RunMetadata.RunImage(runName, List.of()))),
        new BuildMetadataLabel.Launcher("0.1.0", "https://example.org/launcher", "bench"), List.of(target), 1000,
        1000, "0.13");
  }

  private static void randomFile(Path file, long size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        for (long left = size; left > 0; ) {
          buf.clear();
          while (buf.remaining() >= 8) {
            buf.putLong(random.nextLong());
          }
          buf.flip();
          buf.limit((int) Math.min(buf.limit(), left));
          left -= buf.remaining();
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes under the registry's blob store ({@code docker/registry/v2/blobs}). */
  private static long blobBytes(Path data) {
    Path blobs = data.resolve("docker/registry/v2/blobs");
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
