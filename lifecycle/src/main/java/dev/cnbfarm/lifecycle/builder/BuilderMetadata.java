package dev.cnbfarm.lifecycle.builder;

import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.util.List;
import java.util.Objects;

/**
 * The {@code io.buildpacks.builder.metadata} label of a builder image, as pack writes it:
 * description, the buildpacks and extensions it holds, its run images, the lifecycle's version and
 * APIs, and who created it. Absent strings are empty. Immutable.
 *
 * @param description the builder's description
 * @param buildpacks every buildpack in the builder
 * @param extensions every extension in the builder
 * @param runImages the run images ({@code images}, or legacy {@code stack.runImage} when read)
 * @param lifecycle the lifecycle's version and APIs
 * @param createdBy the tool that created the builder
 */
public record BuilderMetadata(
    String description,
    List<ModuleInfo> buildpacks,
    List<ModuleInfo> extensions,
    List<RunMetadata.RunImage> runImages,
    LifecycleInfo lifecycle,
    CreatedBy createdBy) {

  public BuilderMetadata {
    Objects.requireNonNull(description, "description");
    buildpacks = List.copyOf(buildpacks);
    extensions = List.copyOf(extensions);
    runImages = List.copyOf(runImages);
    Objects.requireNonNull(lifecycle, "lifecycle");
    Objects.requireNonNull(createdBy, "createdBy");
  }

  /** One module as listed in the metadata: {@code id}, {@code version}, {@code name}, {@code homepage}. */
  public record ModuleInfo(String id, String version, String name, String homepage) {
    public ModuleInfo {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(homepage, "homepage");
    }
  }

  /** {@code lifecycle}: its version and the Buildpack/Platform APIs it supports or deprecates. */
  public record LifecycleInfo(String version, List<String> buildpackSupported, List<String> buildpackDeprecated,
      List<String> platformSupported, List<String> platformDeprecated) {
    public LifecycleInfo {
      Objects.requireNonNull(version, "version");
      buildpackSupported = List.copyOf(buildpackSupported);
      buildpackDeprecated = List.copyOf(buildpackDeprecated);
      platformSupported = List.copyOf(platformSupported);
      platformDeprecated = List.copyOf(platformDeprecated);
    }
  }

  /** {@code createdBy}: {@code name} and {@code version}. */
  public record CreatedBy(String name, String version) {
    public CreatedBy {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
    }
  }
}
