package dev.cnbfarm.runtime.settings;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One configuration key, declared once (style.md §6, Kafka's {@code ConfigDef} idea): its env
 * var, the default as documented, the default's value, a one-line doc and the parser that
 * validates it. A parser throws {@link IllegalArgumentException} with the reason; {@link #read}
 * collects that reason so a bad start lists every bad key at once. Immutable.
 *
 * @param <T> the parsed value's type
 */
public record Setting<T>(String env, String shownDefault, Supplier<String> fallback, String doc,
    Function<String, T> parser) {
  private static final Pattern ENV = Pattern.compile("CNBFARM_[A-Z0-9_]+");

  public Setting {
    if (!ENV.matcher(env).matches()) {
      throw new IllegalArgumentException("a setting's env var is CNBFARM_ and upper case: " + env);
    }
    Objects.requireNonNull(shownDefault, "shownDefault");
    Objects.requireNonNull(fallback, "fallback");
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(parser, "parser");
  }

  /** A key with a fixed default. */
  public static <T> Setting<T> of(String env, String defaultValue, String doc, Function<String, T> parser) {
    return new Setting<>(env, defaultValue, () -> defaultValue, doc, parser);
  }

  /** A key whose default is computed at start ({@code shownDefault} says how, for the table). */
  public static <T> Setting<T> computed(String env, String shownDefault, Supplier<String> fallback, String doc,
      Function<String, T> parser) {
    return new Setting<>(env, shownDefault, fallback, doc, parser);
  }

  /**
   * This key's value in {@code env}, or its default; on a bad value adds {@code ENV=value: reason}
   * to {@code errors} and returns the parsed default, so reading can go on to the next key.
   */
  public T read(Map<String, String> env, List<String> errors) {
    String raw = env.get(this.env);
    if (raw != null && !raw.isBlank()) {
      try {
        return parser.apply(raw.trim());
      } catch (IllegalArgumentException e) {
        errors.add(this.env + "=" + raw.trim() + ": " + e.getMessage());
      }
    }
    return parser.apply(fallback.get());
  }
}
