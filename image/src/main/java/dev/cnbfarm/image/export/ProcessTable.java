package dev.cnbfarm.image.export;

import dev.cnbfarm.image.layer.LayerEntry;
import dev.cnbfarm.lifecycle.export.LayerTomls;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The config layer's plain-text view of {@code metadata.toml} for cnbfarm's sh launcher (which has
 * no TOML parser), plus the {@code /cnb/process/<type>} symlinks to the launcher that every
 * launcher honours (platform.md "Launch"). Layout, read by {@code launcher.sh}:
 * {@code /layers/config/buildpacks} (escaped buildpack dirs, group order), {@code
 * /layers/config/default-process}, and {@code /layers/config/processes/<type>/}{@code command},
 * {@code args} (one element a line), {@code direct}, {@code working-dir}, {@code exec-env}, {@code buildpack-api}
 * (the Buildpack API of the buildpack that declared it, which decides whether user args replace
 * or follow its args). Stateless.
 */
final class ProcessTable {
  /** buildpack.md "launch.toml": a process type is letters, digits, '.', '_' and '-'. */
  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._-]+");

  private ProcessTable() {}

  /**
   * The entries for {@code metadata.toml}'s processes and {@code buildpacks}' group order.
   *
   * @throws LifecycleException {@link FailureCode#EXPORT_ERROR} for a process type that is not a
   *     safe file name or a command element or argument holding a line break
   */
  static List<LayerEntry> entries(Path metadataToml, List<GroupEntry> buildpacks) {
    TomlTable toml = Toml.read(metadataToml, FailureCode.EXPORT_ERROR);
    List<LayerEntry> entries = new ArrayList<>();
    StringBuilder order = new StringBuilder();
    buildpacks.forEach(bp -> order.append(LayerTomls.escape(bp.id())).append('\n'));
    entries.add(file("layers/config/buildpacks", order.toString()));
    String defaultType = toml.string("buildpack-default-process-type", "");
    if (!defaultType.isEmpty()) {
      entries.add(file("layers/config/default-process", checkType(defaultType) + "\n"));
    }
    entries.add(LayerEntry.directory("layers/config/processes"));
    List<TomlTable> processes = toml.tables("processes");
    for (TomlTable p : processes) {
      String type = checkType(p.requireString("type"));
      String dir = "layers/config/processes/" + type;
      entries.add(LayerEntry.directory(dir));
      List<String> command = p.asMap().get("command") instanceof String s ? List.of(s) : p.strings("command");
      entries.add(file(dir + "/command", lines(type, command)));
      entries.add(file(dir + "/args", lines(type, p.strings("args"))));
      entries.add(file(dir + "/direct", p.bool("direct", false) + "\n"));
      String bpId = p.string("buildpack-id", "");
      buildpacks.stream().filter(bp -> bp.id().equals(bpId) && !bp.api().isEmpty()).findFirst()
          .ifPresent(bp -> entries.add(file(dir + "/buildpack-api", lines(type, List.of(bp.api())))));
      String workingDir = p.string("working-dir", "");
      if (!workingDir.isEmpty()) {
        entries.add(file(dir + "/working-dir", lines(type, List.of(workingDir))));
      }
      List<String> execEnv = p.strings("exec-env");
      if (!execEnv.isEmpty()) {
        entries.add(file(dir + "/exec-env", lines(type, execEnv)));
      }
    }
    entries.add(LayerEntry.directory("cnb"));
    entries.add(LayerEntry.directory("cnb/process"));
    for (TomlTable p : processes) {
      entries.add(LayerEntry.symlink("cnb/process/" + p.requireString("type"), Exporter.LAUNCHER_PATH));
    }
    return entries;
  }

  private static String checkType(String type) {
    if (!TYPE.matcher(type).matches() || type.equals(".") || type.equals("..")) {
      throw new LifecycleException(FailureCode.EXPORT_ERROR, "process type '" + type
          + "' is not letters, digits, '.', '_' and '-'");
    }
    return type;
  }

  private static String lines(String type, List<String> values) {
    StringBuilder out = new StringBuilder();
    for (String v : values) {
      if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
        throw new LifecycleException(FailureCode.EXPORT_ERROR, "process '" + type
            + "' has a command element or argument with a line break, which the process table cannot hold");
      }
      out.append(v).append('\n');
    }
    return out.toString();
  }

  private static LayerEntry file(String path, String content) {
    return LayerEntry.file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
  }
}
