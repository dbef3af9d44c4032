package dev.cnbfarm.image.builder;

import dev.cnbfarm.image.layer.IgnoredPaths;
import dev.cnbfarm.image.layer.LayerBlob;
import dev.cnbfarm.image.layer.LayerEntry;
import dev.cnbfarm.image.layer.LayerWriter;
import dev.cnbfarm.image.layer.NormalisedTime;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.ref.InvalidImageRefException;
import dev.cnbfarm.image.store.Descriptor;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.image.store.ImageAssembly;
import dev.cnbfarm.image.store.MediaTypes;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.api.SupportedApis;
import dev.cnbfarm.lifecycle.builder.BuilderConfig;
import dev.cnbfarm.lifecycle.builder.BuilderLabels;
import dev.cnbfarm.lifecycle.builder.BuilderMetadata;
import dev.cnbfarm.lifecycle.builder.ModuleLayer;
import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.platform.Order;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.toml.Toml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Makes a builder image the way {@code pack builder create} does, with no Docker: the build image's
 * layers, then one layer per buildpack ({@code /cnb/buildpacks/<escaped-id>/<version>/...}) and per
 * extension ({@code /cnb/extensions/...}), root-owned with file modes kept and directories 0755,
 * then one layer with {@code /cnb/order.toml}, {@code /cnb/run.toml}, {@code /cnb/stack.toml}
 * (legacy stack only), {@code /cnb/build-config/env/*}, {@code /layers} and {@code /workspace}
 * (owned by the CNB user) and {@code /platform/env}; pack's labels; working dir {@code /layers}.
 * Fixed mtimes and sorted JSON make it reproducible. Not thread-safe per scratch directory.
 */
public final class BuilderCreator {

  private final ImageStore store;
  private final Path scratch;
  private final String version;

  /**
   * @param store where the build image is read and the builder written
   * @param scratch an existing directory for layer files
   * @param version cnbfarm's version, written as {@code createdBy.version} and {@code lifecycle.version}
   */
  public BuilderCreator(ImageStore store, Path scratch, String version) {
    this.store = store;
    this.scratch = scratch;
    this.version = version;
  }

  /** The outcome: the builder's reference and manifest digest. */
  public record Result(ImageRef ref, Digest digest) {}

  /** Reads the build image, adds the layers and labels, and pushes the builder to {@code target}. */
  public Result create(BuilderConfig config, ImageRef target) {
    ImageRef baseRef;
    try {
      baseRef = ImageRef.parse(config.buildImage());
    } catch (InvalidImageRefException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, "build image '" + config.buildImage() + "': " + e.getMessage(), e);
    }
    Image base = store.read(baseRef);
    int uid = requiredId(base, baseRef, "CNB_USER_ID");
    int gid = requiredId(base, baseRef, "CNB_GROUP_ID");

    LayerWriter writer = LayerWriter.of().ignoring(IgnoredPaths.NONE);
    List<LayerBlob> added = new ArrayList<>();
    List<String> createdBy = new ArrayList<>();
    List<ModuleLayer> bpLayers = new ArrayList<>();
    List<ModuleLayer> extLayers = new ArrayList<>();
    for (ModuleDescriptor d : config.buildpacks()) {
      LayerBlob blob = writer.writeEntries(moduleEntries("cnb/buildpacks", d), scratch.resolve("buildpack-" + added.size() + ".tar.gz"));
      added.add(blob);
      createdBy.add("cnbfarm builder create: buildpack " + d.coordinates());
      bpLayers.add(new ModuleLayer(d.id(), d.version(), d.api().toString(), blob.diffId().value(), d.name(), d.homepage(),
          d.order()));
    }
    for (ModuleDescriptor d : config.extensions()) {
      LayerBlob blob = writer.writeEntries(moduleEntries("cnb/extensions", d), scratch.resolve("extension-" + added.size() + ".tar.gz"));
      added.add(blob);
      createdBy.add("cnbfarm builder create: extension " + d.coordinates());
      extLayers.add(new ModuleLayer(d.id(), d.version(), d.api().toString(), blob.diffId().value(), d.name(), d.homepage(),
          List.of()));
    }
    added.add(writer.writeEntries(configEntries(config, uid, gid), scratch.resolve("config.tar.gz")));
    createdBy.add("cnbfarm builder create: order.toml, run.toml, build-config");

    Map<String, String> labels = new TreeMap<>(base.config().labels());
    labels.put(BuilderLabels.METADATA, BuilderLabels.metadataJson(metadata(config)));
    labels.put(BuilderLabels.BUILDPACK_LAYERS, BuilderLabels.layersJson(bpLayers));
    labels.put(BuilderLabels.EXTENSION_LAYERS, BuilderLabels.layersJson(extLayers));
    labels.put(BuilderLabels.ORDER, BuilderLabels.orderJson(config.order().buildpacks(), false));
    labels.put(BuilderLabels.ORDER_EXTENSIONS, BuilderLabels.orderJson(config.order().extensions(), true));
    if (!config.stackId().isEmpty()) {
      labels.put(BuilderLabels.STACK_ID, config.stackId());
    }

    ImageConfig imageConfig = base.config();
    for (int i = 0; i < added.size(); i++) {
      imageConfig = imageConfig.withLayer(added.get(i).diffId(), new ImageConfig.History(NormalisedTime.IMAGE_CREATED, createdBy.get(i), "", false));
    }
    imageConfig = imageConfig.withLabels(labels).withWorkingDir("/layers");

    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < base.manifest().layers().size(); i++) {
      Descriptor layer = base.manifest().layers().get(i);
      store.mountOrCopyBlob(target, layer, base.ref());
      layers.add(layer);
    }
    for (LayerBlob blob : added) {
      store.pushBlob(target, blob);
      layers.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()));
    }
    Digest digest = ImageAssembly.of(imageConfig, layers).pushTo(store, target);
    for (LayerBlob blob : added) {
      delete(blob.file());
    }
    return new Result(target, digest);
  }

  /**
   * An ephemeral builder, as {@code pack build --buildpack/--extension} makes one: {@code base}'s
   * layers, then one layer per added module directory (as {@link #create} writes them) and the
   * layers of each added buildpackage as they are, then one layer with a new {@code
   * /cnb/order.toml}. When buildpacks are added the buildpack order becomes one group of exactly
   * those, in the order given (pack's rule); extensions likewise; a kind with nothing added keeps
   * the builder's order. The builder labels list the added modules and the new order. Pushed to
   * {@code target}.
   */
  public Result addModules(BuilderImage base, List<AddedModule> buildpacks, List<AddedModule> extensions,
      ImageRef target) {
    Image image = base.image();
    LayerWriter writer = LayerWriter.of().ignoring(IgnoredPaths.NONE);
    ImageConfig imageConfig = image.config();
    List<Descriptor> layers = new ArrayList<>();
    for (Descriptor layer : image.manifest().layers()) {
      store.mountOrCopyBlob(target, layer, image.ref());
      layers.add(layer);
    }
    Map<String, ModuleLayer> bpLayers = keyed(base.buildpacks());
    Map<String, ModuleLayer> extLayers = keyed(base.extensions());
    Map<String, BuilderMetadata.ModuleInfo> bpInfos = infos(base.metadata().buildpacks());
    Map<String, BuilderMetadata.ModuleInfo> extInfos = infos(base.metadata().extensions());
    List<LayerBlob> written = new ArrayList<>();
    for (AddedModule m : concat(buildpacks, extensions)) {
      boolean ext = m.kind() == dev.cnbfarm.lifecycle.buildpack.ModuleKind.EXTENSION;
      Map<String, ModuleLayer> labelLayers = ext ? extLayers : bpLayers;
      Map<String, BuilderMetadata.ModuleInfo> labelInfos = ext ? extInfos : bpInfos;
      if (m instanceof AddedModule.Dir dir) {
        ModuleDescriptor d = dir.descriptor();
        LayerBlob blob = writer.writeEntries(moduleEntries(ext ? "cnb/extensions" : "cnb/buildpacks", d),
            scratch.resolve("added-" + written.size() + ".tar.gz"));
        written.add(blob);
        store.pushBlob(target, blob);
        layers.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()));
        imageConfig = imageConfig.withLayer(blob.diffId(), new ImageConfig.History(NormalisedTime.IMAGE_CREATED,
            "cnbfarm build: " + m.kind().label() + " " + d.coordinates(), "", false));
        labelLayers.put(d.coordinates(), new ModuleLayer(d.id(), d.version(), d.api().toString(),
            blob.diffId().value(), d.name(), d.homepage(), List.of()));
        labelInfos.put(d.coordinates(), new BuilderMetadata.ModuleInfo(d.id(), d.version(), d.name(), d.homepage()));
      } else {
        AddedModule.Package pkg = (AddedModule.Package) m;
        List<Digest> diffIds = pkg.image().config().diffIds();
        for (ModuleLayer l : pkg.layers()) {
          ModuleLayer present = labelLayers.get(l.id() + "@" + l.version());
          if (present != null && present.layerDiffId().equals(l.layerDiffId())) {
            continue; // the builder has this very layer already
          }
          int i = diffIds.indexOf(Digest.parse(l.layerDiffId()));
          if (i < 0) {
            throw new LifecycleException(FailureCode.INVALID_INPUT, "image " + pkg.image().ref() + ": the layer "
                + l.layerDiffId() + " of " + l.id() + "@" + l.version() + " is not in the image");
          }
          Descriptor layer = pkg.image().manifest().layers().get(i);
          store.mountOrCopyBlob(target, layer, pkg.image().ref());
          layers.add(layer);
          imageConfig = imageConfig.withLayer(diffIds.get(i), new ImageConfig.History(NormalisedTime.IMAGE_CREATED,
              "cnbfarm build: " + m.kind().label() + " " + l.id() + "@" + l.version() + " from " + pkg.image().ref(),
              "", false));
          labelLayers.put(l.id() + "@" + l.version(), l);
          labelInfos.put(l.id() + "@" + l.version(), new BuilderMetadata.ModuleInfo(l.id(), l.version(), l.name(),
              l.homepage()));
        }
      }
    }
    List<OrderGroup> order = buildpacks.isEmpty() ? base.order()
        : List.of(new OrderGroup(buildpacks.stream().map(AddedModule::ref).toList()));
    List<OrderGroup> orderExt = extensions.isEmpty() ? base.orderExtensions()
        : List.of(new OrderGroup(extensions.stream().map(AddedModule::ref).toList()));
    List<LayerEntry> orderEntries = List.of(LayerEntry.directory("cnb"), LayerEntry.file("cnb/order.toml",
        utf8(Toml.format(new Order(order, orderExt).toToml())), 0644));
    LayerBlob orderBlob = writer.writeEntries(orderEntries, scratch.resolve("added-order.tar.gz"));
    written.add(orderBlob);
    store.pushBlob(target, orderBlob);
    layers.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, orderBlob.digest(), orderBlob.size()));
    imageConfig = imageConfig.withLayer(orderBlob.diffId(), new ImageConfig.History(NormalisedTime.IMAGE_CREATED,
        "cnbfarm build: order.toml of the added modules", "", false));

    BuilderMetadata m = base.metadata();
    Map<String, String> labels = new TreeMap<>(image.config().labels());
    labels.put(BuilderLabels.METADATA, BuilderLabels.metadataJson(new BuilderMetadata(m.description(),
        List.copyOf(bpInfos.values()), List.copyOf(extInfos.values()), m.runImages(), m.lifecycle(), m.createdBy())));
    labels.put(BuilderLabels.BUILDPACK_LAYERS, BuilderLabels.layersJson(List.copyOf(bpLayers.values())));
    labels.put(BuilderLabels.EXTENSION_LAYERS, BuilderLabels.layersJson(List.copyOf(extLayers.values())));
    labels.put(BuilderLabels.ORDER, BuilderLabels.orderJson(order, false));
    labels.put(BuilderLabels.ORDER_EXTENSIONS, BuilderLabels.orderJson(orderExt, true));
    Digest digest = ImageAssembly.of(imageConfig.withLabels(labels), layers).pushTo(store, target);
    written.forEach(b -> delete(b.file()));
    return new Result(target, digest);
  }

  private static Map<String, ModuleLayer> keyed(List<ModuleLayer> layers) {
    Map<String, ModuleLayer> out = new LinkedHashMap<>();
    layers.forEach(l -> out.put(l.id() + "@" + l.version(), l));
    return out;
  }

  private static Map<String, BuilderMetadata.ModuleInfo> infos(List<BuilderMetadata.ModuleInfo> infos) {
    Map<String, BuilderMetadata.ModuleInfo> out = new LinkedHashMap<>();
    infos.forEach(i -> out.put(i.id() + "@" + i.version(), i));
    return out;
  }

  private static List<AddedModule> concat(List<AddedModule> a, List<AddedModule> b) {
    List<AddedModule> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private BuilderMetadata metadata(BuilderConfig config) {
    List<BuilderMetadata.ModuleInfo> bps = config.buildpacks().stream()
        .map(d -> new BuilderMetadata.ModuleInfo(d.id(), d.version(), d.name(), d.homepage())).toList();
    List<BuilderMetadata.ModuleInfo> exts = config.extensions().stream()
        .map(d -> new BuilderMetadata.ModuleInfo(d.id(), d.version(), d.name(), d.homepage())).toList();
    BuilderMetadata.LifecycleInfo lifecycle = new BuilderMetadata.LifecycleInfo(version,
        SupportedApis.BUILDPACK.stream().map(ApiVersion::toString).toList(), List.of(),
        SupportedApis.PLATFORM.stream().map(ApiVersion::toString).toList(), List.of());
    return new BuilderMetadata(config.description(), bps, exts, config.runImages(), lifecycle,
        new BuilderMetadata.CreatedBy("cnbfarm", version));
  }

  private static int requiredId(Image base, ImageRef ref, String name) {
    String value = ImageEnv.get(base.config().env(), name).orElseThrow(() -> new LifecycleException(
        FailureCode.INVALID_INPUT, "image " + ref + " missing required env var " + name));
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          "image " + ref + " has a non-numeric env var " + name + "=" + value, e);
    }
  }

  /** {@code <root>/<escaped-id>/<version>/...}: parents and directories 0755, files with their modes. */
  static List<LayerEntry> moduleEntries(String root, ModuleDescriptor d) {
    List<LayerEntry> entries = new ArrayList<>();
    String idDir = root + "/" + ModuleStore.escape(d.id());
    String prefix = idDir + "/" + d.version();
    entries.add(LayerEntry.directory("cnb"));
    entries.add(LayerEntry.directory(root));
    entries.add(LayerEntry.directory(idDir));
    entries.add(LayerEntry.directory(prefix));
    Path dir = d.dir();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (p.equals(dir)) {
          continue;
        }
        String path = prefix + "/" + dir.relativize(p).toString().replace('\\', '/');
        if (Files.isSymbolicLink(p)) {
          entries.add(LayerEntry.symlink(path, Files.readSymbolicLink(p).toString()));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(LayerEntry.directory(path));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(LayerEntry.file(path, p, mode(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
    return entries;
  }

  static List<LayerEntry> configEntries(BuilderConfig config, int uid, int gid) {
    List<LayerEntry> entries = new ArrayList<>();
    entries.add(LayerEntry.directory("cnb"));
    entries.add(LayerEntry.file("cnb/order.toml", utf8(Toml.format(config.order().toToml())), 0644));
    Map<String, Object> run = new LinkedHashMap<>();
    List<Object> images = new ArrayList<>();
    config.runImages().forEach(i -> images.add(Map.of("image", i.image(), "mirrors", i.mirrors())));
    run.put("images", images);
    entries.add(LayerEntry.file("cnb/run.toml", utf8(Toml.format(run)), 0644));
    if (!config.stackId().isEmpty()) {
      Map<String, Object> runImage = new LinkedHashMap<>();
      runImage.put("image", config.runImages().get(0).image());
      runImage.put("mirrors", config.runImages().get(0).mirrors());
      entries.add(LayerEntry.file("cnb/stack.toml", utf8(Toml.format(Map.of("run-image", runImage))), 0644));
    }
    if (!config.buildEnv().isEmpty()) {
      entries.add(LayerEntry.directory("cnb/build-config"));
      entries.add(LayerEntry.directory("cnb/build-config/env"));
      for (BuilderConfig.BuildEnv e : config.buildEnv()) {
        entries.add(LayerEntry.file("cnb/build-config/env/" + e.fileName(), utf8(e.value()), 0644));
      }
    }
    entries.add(new LayerEntry.Directory("layers", 0755, uid, gid));
    entries.add(new LayerEntry.Directory("workspace", 0755, uid, gid));
    entries.add(LayerEntry.directory("platform"));
    entries.add(LayerEntry.directory("platform/env"));
    return entries;
  }

  private static int mode(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }
}
