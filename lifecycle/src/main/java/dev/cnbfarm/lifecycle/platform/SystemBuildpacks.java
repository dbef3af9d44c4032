package dev.cnbfarm.lifecycle.platform;

import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code system.toml} (platform.md 0.15 "system.toml"; the reference's platform/files/system.go):
 * the builder's system buildpacks, {@code [system.pre] buildpacks = [...]} run before and {@code
 * [system.post] buildpacks = [...]} after every buildpack group. A missing file means none, as in
 * the reference. Each entry is {@code {id, version, optional}}; the reference reads only id and
 * version (so its system buildpacks are all required), cnbfarm also honours {@code optional},
 * which pack writes into system.toml from builder.toml. Immutable.
 */
public record SystemBuildpacks(List<ModuleRef> pre, List<ModuleRef> post) {
  public static final SystemBuildpacks NONE = new SystemBuildpacks(List.of(), List.of());

  public SystemBuildpacks {
    pre = List.copyOf(pre);
    post = List.copyOf(post);
  }

  /** Reads {@code file}; a file that is absent gives {@link #NONE}, a bad one fails with INVALID_INPUT. */
  public static SystemBuildpacks read(Path file) {
    if (!Files.exists(file)) {
      return NONE;
    }
    TomlTable toml = Toml.read(file, FailureCode.INVALID_INPUT);
    Optional<TomlTable> system = toml.table("system");
    if (system.isEmpty()) {
      return NONE;
    }
    return new SystemBuildpacks(entries(system.get(), "pre"), entries(system.get(), "post"));
  }

  private static List<ModuleRef> entries(TomlTable system, String part) {
    List<ModuleRef> out = new ArrayList<>();
    Optional<TomlTable> t = system.table(part);
    if (t.isPresent()) {
      for (TomlTable el : t.get().tables("buildpacks")) {
        out.add(new ModuleRef(ModuleKind.BUILDPACK, el.requireString("id"), el.string("version", ""),
            el.bool("optional", false)));
      }
    }
    return out;
  }

  public boolean isEmpty() {
    return pre.isEmpty() && post.isEmpty();
  }

  /**
   * The order with the pre buildpacks prepended to and the post ones appended to each buildpack
   * group, leaving out those whose id the group already names (the reference compares ids only,
   * and only the group's own elements, not what a composite expands to). Extension groups are
   * unchanged.
   */
  public Order mergeInto(Order order) {
    if (isEmpty()) {
      return order;
    }
    List<OrderGroup> groups = new ArrayList<>();
    for (OrderGroup g : order.buildpacks()) {
      List<ModuleRef> els = new ArrayList<>(absentFrom(pre, g));
      els.addAll(g.elements());
      els.addAll(absentFrom(post, g));
      groups.add(new OrderGroup(els));
    }
    return new Order(groups, order.extensions());
  }

  private static List<ModuleRef> absentFrom(List<ModuleRef> system, OrderGroup group) {
    return system.stream().filter(s -> group.elements().stream().noneMatch(e -> e.id().equals(s.id()))).toList();
  }
}
