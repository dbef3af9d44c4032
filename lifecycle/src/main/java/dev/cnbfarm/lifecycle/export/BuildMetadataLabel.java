package dev.cnbfarm.lifecycle.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code io.buildpacks.build.metadata} label (platform.md "Labels", extensions.md §8.3): the
 * buildpacks and extensions of the group, the process types and the launcher, all read from
 * {@code <layers>/config/metadata.toml}. Immutable.
 */
public record BuildMetadataLabel(List<Module> buildpacks, List<Module> extensions, List<Process> processes,
    Launcher launcher, List<BuildpackLabel> labels) {
  public static final String LABEL = "io.buildpacks.build.metadata";

  public BuildMetadataLabel {
    buildpacks = List.copyOf(buildpacks);
    extensions = List.copyOf(extensions);
    processes = List.copyOf(processes);
    Objects.requireNonNull(launcher, "launcher");
    labels = List.copyOf(labels);
  }

  /** A buildpack or extension; {@code api} is written for extensions only, {@code homepage} when set. */
  public record Module(String id, String version, String homepage, String api) {
    public Module {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(homepage, "homepage");
      Objects.requireNonNull(api, "api");
    }
  }

  /** A process type; {@code command} is the whole command array. */
  public record Process(String type, List<String> command, List<String> args, boolean direct, String buildpackId) {
    public Process {
      Objects.requireNonNull(type, "type");
      command = List.copyOf(command);
      args = List.copyOf(args);
      Objects.requireNonNull(buildpackId, "buildpackId");
    }
  }

  /**
   * The launcher: its version and where it came from, a git repository and commit, or for a
   * launcher built into the platform ({@code builtIn}, such as {@code cnbfarm-sh}) its name.
   */
  public record Launcher(String version, String repository, String commit, String builtIn) {
    public Launcher {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(commit, "commit");
      Objects.requireNonNull(builtIn, "builtIn");
    }

    public Launcher(String version, String repository, String commit) {
      this(version, repository, commit, "");
    }

    /** A launcher the platform ships: the label's source names it instead of a git commit. */
    public static Launcher builtIn(String name, String version) {
      return new Launcher(version, "", "", name);
    }
  }

  /** A label a buildpack asked for in launch.toml ({@code [[labels]]} in metadata.toml). */
  public record BuildpackLabel(String key, String value) {
    public BuildpackLabel {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Reads {@code metadata.toml}; a missing or malformed file is an export error (exit 62). */
  public static BuildMetadataLabel read(Path metadataToml, Launcher launcher) {
    TomlTable toml = Toml.read(metadataToml, FailureCode.EXPORT_ERROR);
    List<Module> buildpacks = new ArrayList<>();
    for (TomlTable t : toml.tables("buildpacks")) {
      buildpacks.add(new Module(t.requireString("id"), t.requireString("version"), t.string("homepage", ""), ""));
    }
    List<Module> extensions = new ArrayList<>();
    for (TomlTable t : toml.tables("extensions")) {
      extensions.add(new Module(t.requireString("id"), t.requireString("version"), t.string("homepage", ""),
          t.string("api", "")));
    }
    List<Process> processes = new ArrayList<>();
    for (TomlTable t : toml.tables("processes")) {
      processes.add(new Process(t.requireString("type"), command(t), t.strings("args"),
          t.bool("direct", false), t.string("buildpack-id", "")));
    }
    List<BuildpackLabel> labels = new ArrayList<>();
    for (TomlTable t : toml.tables("labels")) {
      labels.add(new BuildpackLabel(t.requireString("key"), t.string("value", "")));
    }
    return new BuildMetadataLabel(buildpacks, extensions, processes, launcher, labels);
  }

  /**
   * Parses the label value as pack and the reference lifecycle write it; absent arrays are empty,
   * an absent launcher has empty fields. A malformed value is an INVALID_INPUT error.
   */
  public static BuildMetadataLabel parse(String json) {
    JsonNode root = LabelJson.read(json, LABEL);
    List<Process> processes = new ArrayList<>();
    for (JsonNode p : root.path("processes")) {
      processes.add(new Process(p.path("type").asText(""), strings(p.path("command")), strings(p.path("args")),
          p.path("direct").asBoolean(false), p.path("buildpackID").asText("")));
    }
    JsonNode l = root.path("launcher");
    JsonNode git = l.path("source").path("git");
    return new BuildMetadataLabel(modules(root.path("buildpacks")), modules(root.path("extensions")), processes,
        new Launcher(l.path("version").asText(""), git.path("repository").asText(""), git.path("commit").asText("")),
        List.of());
  }

  private static List<Module> modules(JsonNode array) {
    List<Module> out = new ArrayList<>();
    for (JsonNode m : array) {
      out.add(new Module(m.path("id").asText(""), m.path("version").asText(""), m.path("homepage").asText(""),
          m.path("api").asText("")));
    }
    return out;
  }

  /** A JSON string array, or a single string (an old-style command) as one element. */
  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.asText());
    }
    node.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The label value: compact JSON, keys sorted. */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("buildpacks", buildpacks.stream().map(m -> module(m, false)).toList());
    root.put("extensions", extensions.stream().map(m -> module(m, true)).toList());
    root.put("processes", processes.stream().map(BuildMetadataLabel::process).toList());
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("version", launcher.version());
    if (launcher.builtIn().isEmpty()) {
      l.put("source", Map.of("git", Map.of("repository", launcher.repository(), "commit", launcher.commit())));
    } else {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("name", launcher.builtIn());
      source.put("version", launcher.version());
      l.put("source", source);
    }
    root.put("launcher", l);
    return LabelJson.write(root);
  }

  /** {@code command} is an array since Buildpack API 0.9; an older single string is one element. */
  private static List<String> command(TomlTable t) {
    return t.asMap().get("command") instanceof String s ? List.of(s) : t.strings("command");
  }

  private static Map<String, Object> module(Module m, boolean withApi) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.id());
    out.put("version", m.version());
    if (!m.homepage().isEmpty()) {
      out.put("homepage", m.homepage());
    }
    if (withApi) {
      out.put("api", m.api());
    }
    return out;
  }

  private static Map<String, Object> process(Process p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", p.type());
    out.put("command", p.command());
    out.put("args", p.args());
    out.put("direct", p.direct());
    out.put("buildpackID", p.buildpackId());
    return out;
  }
}
