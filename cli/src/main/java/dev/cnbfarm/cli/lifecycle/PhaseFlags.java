package dev.cnbfarm.cli.lifecycle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The lifecycle commands' flags as picocli options, parsed the way Go's {@code flag} package (and so
 * the reference lifecycle) parses them: {@code -name value}, {@code -name=value}, the {@code --name}
 * spellings, booleans without a value (or {@code =true|false}), a repeated flag's last value wins,
 * a value may start with a dash, and parsing stops at the first non-flag argument or {@code --}.
 * Each flag's help names its env var and default (root README); the phases resolve them.
 */
final class PhaseFlags {
  /** Flag → what it is, its env var and its default, as the README's tables give them. */
  static final Map<String, String> DOCS = Map.ofEntries(
      Map.entry("app", "the application directory (CNB_APP_DIR; default /workspace)"),
      Map.entry("buildpacks", "the buildpacks directory (CNB_BUILDPACKS_DIR; default /cnb/buildpacks)"),
      Map.entry("extensions", "the extensions directory (CNB_EXTENSIONS_DIR; default /cnb/extensions; Platform API "
          + "0.10+)"),
      Map.entry("order", "order.toml (CNB_ORDER_PATH; default <layers>/order.toml if present, else /cnb/order.toml)"),
      Map.entry("group", "group.toml (CNB_GROUP_PATH; default <layers>/group.toml)"),
      Map.entry("plan", "plan.toml (CNB_PLAN_PATH; default <layers>/plan.toml)"),
      Map.entry("layers", "the layers directory (CNB_LAYERS_DIR; default /layers)"),
      Map.entry("platform", "the platform directory (CNB_PLATFORM_DIR; default /platform)"),
      Map.entry("generated", "the generated Dockerfiles directory (CNB_GENERATED_DIR; default <layers>/generated; "
          + "Platform API 0.10+)"),
      Map.entry("analyzed", "analyzed.toml (CNB_ANALYZED_PATH; default <layers>/analyzed.toml)"),
      Map.entry("run", "run.toml (CNB_RUN_PATH; default /cnb/run.toml)"),
      Map.entry("build-config", "the build config directory (CNB_BUILD_CONFIG_DIR; default /cnb/build-config; "
          + "Platform API 0.11+)"),
      Map.entry("log-level", "debug, info, warn or error (CNB_LOG_LEVEL; default info)"),
      Map.entry("kind", "build or run (CNB_EXTEND_KIND; default build; Platform API 0.12+)"),
      Map.entry("extended", "the extended layers directory (CNB_EXTENDED_DIR; default <layers>/extended)"),
      Map.entry("uid", "the CNB user id (CNB_USER_ID; extender default: the build image's, exporter: required)"),
      Map.entry("gid", "the CNB group id (CNB_GROUP_ID; extender default: the build image's, exporter: required)"),
      Map.entry("kaniko-cache-ttl", "TTL of cnbfarm's layer cache (CNB_KANIKO_CACHE_TTL; default 336h)"),
      Map.entry("build-image", "the build image, cnbfarm's flag (CNB_BUILD_IMAGE; default [build-image] reference "
          + "of analyzed.toml)"),
      Map.entry("launcher", "the launcher (CNB_LAUNCHER_PATH; default /cnb/lifecycle/launcher, else cnbfarm's sh "
          + "launcher)"),
      Map.entry("report", "report.toml (CNB_REPORT_PATH; default <layers>/report.toml)"),
      Map.entry("project-metadata", "project-metadata.toml (CNB_PROJECT_METADATA_PATH; default "
          + "<layers>/project-metadata.toml)"),
      Map.entry("no-color", "accepted as the reference's; cnbfarm prints no colour"));

  private static final String NO_COLOR = "no-color";

  private PhaseFlags() {}

  /**
   * The spec of {@code cnbfarm lifecycle <name>}: its flags plus {@code -no-color} and the help
   * flags, and the positional arguments (shown only when the phase takes them).
   */
  static CommandSpec spec(String name, Set<String> flags, Object command) {
    LifecycleCommands.Doc doc = LifecycleCommands.doc(name);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.usageMessage().description(doc.description()).customSynopsis(doc.synopsis()).abbreviateSynopsis(true);
    for (String flag : new TreeSet<>(flags)) {
      spec.addOption(OptionSpec.builder("-" + flag, "--" + flag).paramLabel(label(flag)).type(String.class)
          .description(describe(flag)).build());
    }
    spec.addOption(OptionSpec.builder("-" + NO_COLOR, "--" + NO_COLOR).type(boolean.class).arity("0..1").paramLabel("<true|false>")
        .description(describe(NO_COLOR)).build());
    spec.addOption(OptionSpec.builder("-h", "-help", "--help").usageHelp(true).description("print this help and exit")
        .build());
    spec.addPositional(PositionalParamSpec.builder().index("0..*").arity("0..*").type(String[].class)
        .paramLabel(doc.positional().isEmpty() ? "<arg>" : doc.positional()).hidden(doc.positional().isEmpty())
        .description(doc.positional().isEmpty() ? "none" : "the app image, then more tags of it").build());
    spec.parser().stopAtPositional(true).allowOptionsAsOptionParameters(true).overwrittenOptionsAllowed(true)
        .posixClusteredShortOptionsAllowed(false);
    return spec;
  }

  private static String describe(String flag) {
    String doc = DOCS.get(flag);
    if (doc == null) {
      throw new IllegalStateException("flag -" + flag + " has no help in PhaseFlags.DOCS");
    }
    return doc;
  }

  private static String label(String flag) {
    return switch (flag) {
      case "log-level" -> "<level>";
      case "kind" -> "<kind>";
      case "uid", "gid" -> "<id>";
      case "kaniko-cache-ttl" -> "<duration>";
      case "build-image" -> "<image>";
      case "app", "buildpacks", "extensions", "layers", "platform", "generated", "extended", "build-config" -> "<dir>";
      default -> "<file>";
    };
  }

  /** The flags given, by their Go name ({@code app}, {@code no-color}...), as strings. */
  static Map<String, String> values(ParseResult parsed) {
    Map<String, String> values = new LinkedHashMap<>();
    for (OptionSpec option : parsed.matchedOptions()) {
      if (!option.usageHelp()) {
        values.put(option.longestName().substring(2), String.valueOf((Object) option.getValue()));
      }
    }
    return values;
  }

  /** The arguments after the flags. */
  static List<String> positional(ParseResult parsed) {
    String[] args = parsed.matchedPositionalValue(0, new String[0]);
    return List.of(args);
  }

  /** The parsed command line again, in one canonical spelling: {@code -name=value}..., {@code --}, arguments. */
  static String[] canonical(ParseResult parsed) {
    List<String> args = new ArrayList<>();
    values(parsed).forEach((flag, value) -> args.add("-" + flag + "=" + value));
    args.add("--");
    args.addAll(positional(parsed));
    return args.toArray(String[]::new);
  }
}
