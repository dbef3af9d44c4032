package dev.cnbfarm.cli.lifecycle;

import dev.cnbfarm.lifecycle.phase.PhaseFlag;
import java.util.Arrays;
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
  private static final String NO_COLOR = "no-color";

  /** Go {@code BoolVar} flags: no value needed, {@code =true|false} accepted. */
  private static final Set<String> BOOLEAN = Set.of("skip-layers", "daemon", "layout");

  /** Go {@code flag.Var} slices: each use adds a value; {@link #values} joins them with commas. */
  private static final Set<String> REPEATABLE = Set.of("tag", "insecure-registry");

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
      if (BOOLEAN.contains(flag)) {
        spec.addOption(OptionSpec.builder("-" + flag, "--" + flag).type(boolean.class).arity("0..1")
            .paramLabel("<true|false>").description(describe(flag)).build());
      } else if (REPEATABLE.contains(flag)) {
        spec.addOption(OptionSpec.builder("-" + flag, "--" + flag).paramLabel(label(flag)).type(String[].class)
            .arity("1").description(describe(flag)).build());
      } else {
        spec.addOption(OptionSpec.builder("-" + flag, "--" + flag).paramLabel(label(flag)).type(String.class)
            .description(describe(flag)).build());
      }
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

  /** The flag's help from the one table, {@link PhaseFlag}; {@code -no-color} is the only flag outside it. */
  static String describe(String flag) {
    if (flag.equals(NO_COLOR)) {
      return "accepted as the reference's; cnbfarm prints no colour";
    }
    return Arrays.stream(PhaseFlag.values()).filter(f -> f.flag().equals(flag)).findFirst()
        .orElseThrow(() -> new IllegalStateException("flag -" + flag + " is not in PhaseFlag, the one table"))
        .help();
  }

  private static String label(String flag) {
    return switch (flag) {
      case "log-level" -> "<level>";
      case "kind" -> "<kind>";
      case "uid", "gid" -> "<id>";
      case "kaniko-cache-ttl" -> "<duration>";
      case "build-image", "previous-image", "run-image", "tag", "cache-image" -> "<image>";
      case "insecure-registry" -> "<host>";
      case "app", "buildpacks", "extensions", "layers", "platform", "generated", "extended", "build-config", "launch-cache",
          "layout-dir", "sbom-output-dir", "cache-dir" -> "<dir>";
      default -> "<file>";
    };
  }

  /** The flags given, by their Go name ({@code app}, {@code no-color}...), as strings. */
  static Map<String, String> values(ParseResult parsed) {
    Map<String, String> values = new LinkedHashMap<>();
    for (OptionSpec option : parsed.matchedOptions()) {
      if (!option.usageHelp()) {
        Object value = option.getValue();
        values.put(option.longestName().substring(2),
            value instanceof String[] many ? String.join(",", many) : String.valueOf(value));
      }
    }
    return values;
  }

  /** The arguments after the flags. */
  static List<String> positional(ParseResult parsed) {
    String[] args = parsed.matchedPositionalValue(0, new String[0]);
    return List.of(args);
  }
}
