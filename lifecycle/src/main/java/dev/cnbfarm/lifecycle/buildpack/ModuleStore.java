package dev.cnbfarm.lifecycle.buildpack;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds module descriptors under {@code <buildpacks>/<escaped-id>/<version>/} and
 * {@code <extensions>/<escaped-id>/<version>/} (platform.md "Buildpacks Directory Layout"), caching
 * each parse. Thread-safe.
 */
public final class ModuleStore {
  private final Path buildpacksDir;
  private final Path extensionsDir;
  private final Map<String, ModuleDescriptor> cache = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final Reporter reporter;

  public ModuleStore(Path buildpacksDir, Path extensionsDir) {
    this(buildpacksDir, extensionsDir, Reporter.NONE);
  }

  /** A store that warns once per module id whose characters are outside the spec's set. */
  public ModuleStore(Path buildpacksDir, Path extensionsDir, Reporter reporter) {
    this.buildpacksDir = buildpacksDir;
    this.extensionsDir = extensionsDir;
    this.reporter = reporter;
  }

  /** {@code /} in ids becomes {@code _} on disk. */
  public static String escape(String id) {
    return id.replace('/', '_');
  }

  public ModuleDescriptor lookup(ModuleRef ref) {
    return cache.computeIfAbsent(ref.kind() + " " + ref.coordinates(), k -> load(ref));
  }

  private ModuleDescriptor load(ModuleRef ref) {
    Path root = ref.kind() == ModuleKind.EXTENSION ? extensionsDir : buildpacksDir;
    Path idDir = root.resolve(escape(ref.id()));
    String version = ref.version().isEmpty() ? onlyVersion(ref, idDir) : ref.version();
    Path dir = idDir.resolve(version);
    if (!Files.isRegularFile(dir.resolve(ref.kind().descriptorFile()))) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          ref.kind().label() + " " + ref.coordinates() + " not found: no " + dir.resolve(ref.kind().descriptorFile()));
    }
    ModuleDescriptor d = DescriptorParser.parse(ref.kind(), dir);
    if (!d.id().equals(ref.id())) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          dir.resolve(ref.kind().descriptorFile()) + ": id '" + d.id() + "' does not match the order's '" + ref.id() + "'");
    }
    if (!DescriptorParser.followsSpec(d.id()) && warned.add(ref.kind() + " " + d.id())) {
      reporter.warn("Warning: " + ref.kind().label() + " id '" + d.id() + "' has characters outside the spec's set ("
          + DescriptorParser.SPEC_ID_RULE + "); accepted, as the reference lifecycle does");
    }
    return d;
  }

  private static String onlyVersion(ModuleRef ref, Path idDir) {
    List<String> versions = new ArrayList<>();
    if (Files.isDirectory(idDir)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(idDir, Files::isDirectory)) {
        s.forEach(p -> versions.add(p.getFileName().toString()));
      } catch (IOException e) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "cannot list " + idDir + ": " + e.getMessage(), e);
      }
    }
    if (versions.size() != 1) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, ref.kind().label() + " " + ref.id()
          + " has no version in the order and " + versions.size() + " versions in " + idDir);
    }
    return versions.get(0);
  }
}
