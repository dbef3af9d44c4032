package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.InvalidLayerEntryException;
import dev.cnbfarm.image.layer.LayerLimits;
import dev.cnbfarm.image.layer.LayerReader;
import dev.cnbfarm.lifecycle.dockerfile.CopyPaths;
import dev.cnbfarm.lifecycle.dockerfile.Instruction;
import dev.cnbfarm.lifecycle.dockerfile.VariableExpander;
import dev.cnbfarm.lifecycle.extend.ImageUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code COPY} and {@code ADD}: copies files from the build context (the extension's
 * {@code context.<kind>}, {@code context} or {@code <app>}), or with {@code --from=${base_image}}
 * from the image being extended, into a change directory that becomes the layer. Sources must stay
 * inside the context (symlinks included). {@code --chown} and {@code --chmod} apply; files are
 * otherwise owned by root. ADD also unpacks local tar archives (never from URLs: no network
 * fetches in extension builds). The cache key hashes the sources' content.
 */
final class CopyStep implements StepCommand {
  private final boolean add;

  CopyStep(boolean add) {
    this.add = add;
  }

  @Override
  public void apply(Instruction ins, BuildState st, StepTools tools) {
    Map<String, String> vars = st.expansionVars();
    CopyPaths paths = CopyPaths.parse(st.dockerfile, ins);
    List<String> sources = paths.sources().stream().map(s -> VariableExpander.expand(s, vars, st.escape())).toList();
    String destText = VariableExpander.expand(paths.destination(), vars, st.escape());
    // Resolved inside the image root as a chroot would: "/../../tmp/x" is the image's /tmp/x.
    String given = TreeCopy.clamp(destText.startsWith("/") ? destText : st.workingDir() + "/" + destText);
    TreeCopy image = new TreeCopy(st.image().lowersTopFirst());
    // The image's own symlinks are followed as Docker does, but inside the image root only.
    String followed = resolveInImage(st, ins, image, given, true);
    boolean destIsDir = destText.endsWith("/") || destText.endsWith("/.") || destText.endsWith("/..")
        || given.equals("/") || sources.size() > 1 || image.isDirectory(followed);
    String dest = destIsDir ? followed : resolveInImage(st, ins, image, given, false);
    Optional<String> from = ins.flag("from").map(f -> VariableExpander.expand(f, st.fromVars(), st.escape()));
    Optional<int[]> owner = ins.flag("chown").map(c -> owner(st, ins, VariableExpander.expand(c, vars, st.escape())));
    Optional<Integer> mode = ins.flag("chmod").map(m -> parseMode(st, ins, m));
    String createdBy = ins.keyword() + " " + ins.rawArguments();
    try {
      List<Source> resolved = from.isPresent() ? List.of() : ContextSources.resolve(st, ins, sources);
      if (from.isPresent() && !from.get().equals(st.request.buildArgs().getOrDefault("base_image", "\0"))) {
        throw StepFailure.of(st, ins, "--from='" + from.get() + "': only --from=${base_image} is allowed in extension Dockerfiles");
      }
      if (!from.isPresent() && resolved.size() > 1 && !destText.endsWith("/")) {
        throw StepFailure.of(st, ins, "with more than one source the destination must be a directory ending with /");
      }
      String identity = createdBy + " owner=" + owner.map(o -> o[0] + ":" + o[1]).orElse("") + " mode=" + mode.orElse(-1)
          + " sources=" + (from.isPresent() ? "base:" + sources : ContextSources.hash(resolved));
      String key = st.nextKey(identity);
      Optional<LayerBlob> cached = tools.cache().find(key);
      if (cached.isPresent()) {
        st.cacheHits++;
        Steps.addLayer(st, tools.layers().reuse(cached.get(), createdBy));
        return;
      }
      Path changes = Files.createTempDirectory(tools.scratch().root(), "copy");
      TreeCopy tree = new TreeCopy(st.image().lowersTopFirst());
      if (from.isPresent()) {
        TreeCopy base = new TreeCopy(st.base.lowersTopFirst());
        for (String s : sources) {
          String src = TreeCopy.clamp(s);
          // Parents that are links in the base image are followed inside its root only; the source itself never.
          String found = resolveInImage(st, ins, base, src, false);
          Path target = !destIsDir ? tree.makeParents(changes, dest, false).resolve(Path.of(dest).getFileName().toString())
              : src.equals("/") ? tree.makeParents(changes, dest, true)
              : tree.makeParents(changes, dest, true).resolve(Path.of(src).getFileName().toString());
          base.copyMerged(found, target, owner);
        }
      } else {
        for (Source s : resolved) {
          try {
            copy(s, changes, tree, dest, destIsDir, owner, mode, archiveReader(tools));
          } catch (InvalidLayerEntryException e) {
            throw StepFailure.of(st, ins, "archive " + s.name() + ": " + e.getMessage());
          }
        }
      }
      StateLayer layer = tools.layers().make(changes, createdBy);
      FileTrees.deleteRecursively(changes);
      tools.cache().store(key, layer.blob().orElseThrow());
      Steps.addLayer(st, layer);
    } catch (java.nio.file.NoSuchFileException e) {
      throw StepFailure.of(st, ins, "source not found: " + e.getFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The reader for ADD archives. They are unpacked here, outside the sandbox, so the step's disk
   * budget ({@code CNBFARM_SANDBOX_DISK}) bounds them as well as the layer budget: a small tar bomb
   * fails at the first entry past it instead of filling the disk.
   */
  private static LayerReader archiveReader(StepTools tools) {
    LayerReader reader = LayerReader.of(LayerReader.WhiteoutMode.APPLY);
    LayerLimits layer = reader.limits();
    java.util.OptionalLong disk = tools.sandbox().limits().diskBytes();
    return disk.isPresent() && disk.getAsLong() < layer.maxBytes()
        ? reader.withLimits(new LayerLimits(disk.getAsLong(), layer.maxEntries()))
        : reader;
  }

  private void copy(Source s, Path changes, TreeCopy tree, String dest, boolean destIsDir, Optional<int[]> owner,
      Optional<Integer> mode, LayerReader archives) throws IOException {
    int uid = owner.map(o -> o[0]).orElse(0);
    int gid = owner.map(o -> o[1]).orElse(0);
    if (Files.isDirectory(s.path())) {
      Path target = tree.makeParents(changes, dest, true);
      try (var children = Files.newDirectoryStream(s.path())) {
        for (Path child : children) {
          TreeCopy.copyHost(child, target.resolve(child.getFileName().toString()), uid, gid, mode);
        }
      }
    } else if (add && isArchive(s.path())) {
      Path target = tree.makeParents(changes, dest, true);
      archives.unpack(s.path(), target);
    } else if (destIsDir) {
      TreeCopy.copyHost(s.path(), tree.makeParents(changes, dest, true).resolve(s.path().getFileName().toString()), uid, gid, mode);
    } else {
      Path parent = tree.makeParents(changes, dest, false);
      TreeCopy.copyHost(s.path(), parent.resolve(Path.of(dest).getFileName().toString()), uid, gid, mode);
    }
  }

  private static String resolveInImage(BuildState st, Instruction ins, TreeCopy image, String abs, boolean followLast) {
    try {
      return image.resolveInImage(abs, followLast);
    } catch (IOException e) {
      throw StepFailure.of(st, ins, e.getMessage());
    }
  }

  private static boolean isArchive(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz");
  }

  private static int[] owner(BuildState st, Instruction ins, String chown) {
    try {
      ImageUser u = ImageUser.resolve(chown, st.image().stack()::readText);
      return new int[] {u.uid(), u.gid()};
    } catch (dev.cnbfarm.lifecycle.failure.LifecycleException e) {
      throw StepFailure.of(st, ins, "--chown: " + e.getMessage());
    }
  }

  private static int parseMode(BuildState st, Instruction ins, String text) {
    try {
      return Integer.parseInt(text, 8) & 07777;
    } catch (NumberFormatException e) {
      throw StepFailure.of(st, ins, "--chmod='" + text + "' is not an octal mode");
    }
  }

  /** A resolved COPY source: the text the Dockerfile gave and the real path inside the context. */
  record Source(String name, Path path) {}

  /** Resolving and hashing sources. */
  static final class ContextSources {
    private ContextSources() {}

    static List<Source> resolve(BuildState st, Instruction ins, List<String> sources) throws IOException {
      Path root = st.context().toRealPath();
      List<Source> out = new ArrayList<>();
      for (String s : sources) {
        if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
          throw StepFailure.of(st, ins, "'" + s + "': remote sources are not supported (extension builds fetch nothing)");
        }
        Path candidate = root.resolve(s.replaceFirst("^/+", "")).normalize();
        if (!candidate.startsWith(root)) {
          throw StepFailure.of(st, ins, "'" + s + "' is outside the build context " + root);
        }
        List<Path> matches = glob(candidate);
        if (matches.isEmpty()) {
          throw StepFailure.of(st, ins, "source '" + s + "' not found in the build context " + root);
        }
        for (Path m : matches) {
          Path real = m.toRealPath();
          if (!real.startsWith(root)) {
            throw StepFailure.of(st, ins, "'" + s + "' resolves outside the build context (through a symlink)");
          }
          out.add(new Source(s, real));
        }
      }
      return out;
    }

    private static List<Path> glob(Path candidate) throws IOException {
      String name = candidate.getFileName() == null ? "" : candidate.getFileName().toString();
      if (!name.matches(".*[*?\\[].*")) {
        return Files.exists(candidate) ? List.of(candidate) : List.of();
      }
      List<Path> out = new ArrayList<>();
      var matcher = candidate.getFileSystem().getPathMatcher("glob:" + name);
      try (var s = Files.newDirectoryStream(candidate.getParent())) {
        for (Path p : s) {
          if (matcher.matches(p.getFileName())) {
            out.add(p);
          }
        }
      }
      out.sort(null);
      return out;
    }

    /** A digest of the sources: relative paths, modes, symlink targets and file contents. */
    static String hash(List<Source> sources) throws IOException {
      var md = dev.cnbfarm.image.ref.Digest.sha256();
      for (Source s : sources) {
        try (var walk = Files.walk(s.path())) {
          for (Path p : walk.sorted().toList()) {
            md.update((s.path().relativize(p) + "\0" + TreeCopy.modeOf(p) + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (Files.isSymbolicLink(p)) {
              md.update(Files.readSymbolicLink(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
              try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                  md.update(buf, 0, n);
                }
              }
            }
          }
        }
      }
      return BuildState.toHex(md.digest());
    }
  }
}
