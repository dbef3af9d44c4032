package dev.cnbfarm.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny shell-script buildpack or extension on disk: {@code buildpack.toml}/{@code
 * extension.toml}, {@code bin/detect} and (for extensions) {@code bin/generate} as {@code #!/bin/sh}
 * scripts. Every script first appends {@code <kind>:<id> <phase>} to the fixture's shared log, so
 * tests can count runs. Each mutator rewrites the files at once. Not thread-safe.
 */
public final class BuildpackFixture {
  private final Fixtures fixtures;
  private final boolean extension;
  private final String id;
  private final String version;
  private final Path dir;
  private String api = "0.10";
  private String descriptorExtra = "";
  private boolean clearEnv;
  private final Map<String, String> generated = new LinkedHashMap<>();

  BuildpackFixture(Fixtures fixtures, boolean extension, String id, String version, Path dir) {
    this.fixtures = fixtures;
    this.extension = extension;
    this.id = id;
    this.version = version;
    this.dir = dir;
    writeDescriptor();
    passes();
  }

  public String id() {
    return id;
  }

  public String version() {
    return version;
  }

  public Path dir() {
    return dir;
  }

  /** {@code kind:id}, as written to the shared log. */
  public String tag() {
    return (extension ? "extension:" : "buildpack:") + id;
  }

  // ---- descriptor

  public BuildpackFixture api(String api) {
    this.api = api;
    return writeDescriptor();
  }

  public BuildpackFixture clearEnv() {
    this.clearEnv = true;
    return writeDescriptor();
  }

  /** Raw TOML appended to the descriptor, e.g. {@code [[targets]]} tables. */
  public BuildpackFixture descriptor(String toml) {
    this.descriptorExtra = descriptorExtra + "\n" + toml + "\n";
    return writeDescriptor();
  }

  public BuildpackFixture targets(String os, String arch) {
    return descriptor("[[targets]]\nos = \"" + os + "\"\narch = \"" + arch + "\"");
  }

  /** Makes this a composite buildpack with {@code [[order]]} tables; it loses its executables. */
  public BuildpackFixture order(String orderToml) {
    delete(dir.resolve("bin/detect"));
    return descriptor(orderToml);
  }

  /** Replaces the whole descriptor with {@code text} (for malformed-file tests). */
  public BuildpackFixture rawDescriptor(String text) {
    write(dir.resolve(extension ? "extension.toml" : "buildpack.toml"), text);
    return this;
  }

  private BuildpackFixture writeDescriptor() {
    String table = extension ? "extension" : "buildpack";
    String text = "api = \"" + api + "\"\n\n[" + table + "]\nid = \"" + id + "\"\nversion = \"" + version
        + "\"\nname = \"" + id + " fixture\"\nhomepage = \"https://example.org/" + id + "\"\n"
        + (clearEnv ? "clear-env = true\n" : "") + descriptorExtra;
    write(dir.resolve(extension ? "extension.toml" : "buildpack.toml"), text);
    return this;
  }

  // ---- bin/detect

  /** bin/detect logs its run and exits 0 with no plan. */
  public BuildpackFixture passes() {
    return detect("exit 0");
  }

  /** bin/detect logs its run and exits 100. */
  public BuildpackFixture fails() {
    return detect("exit 100");
  }

  /** bin/detect logs its run and exits {@code code} (an error unless 0 or 100). */
  public BuildpackFixture exits(int code) {
    return detect("exit " + code);
  }

  /** bin/detect writes {@code planToml} to {@code $CNB_BUILD_PLAN_PATH} and passes. */
  public BuildpackFixture plan(String planToml) {
    return detect("cat > \"$CNB_BUILD_PLAN_PATH\" <<'EOF'\n" + planToml + "\nEOF\nexit 0");
  }

  public BuildpackFixture provides(String name) {
    return plan("[[provides]]\nname = \"" + name + "\"");
  }

  public BuildpackFixture requires(String name) {
    return plan("[[requires]]\nname = \"" + name + "\"");
  }

  public BuildpackFixture providesAndRequires(String name) {
    return plan("[[provides]]\nname = \"" + name + "\"\n\n[[requires]]\nname = \"" + name + "\"");
  }

  /** bin/detect runs {@code body} after logging its run. */
  public BuildpackFixture detect(String body) {
    return script("detect", body);
  }

  /** Removes bin/detect (an extension without it passes). */
  public BuildpackFixture noDetect() {
    delete(dir.resolve("bin/detect"));
    return this;
  }

  /** {@code <ext>/detect/plan.toml}: the static plan of an extension without bin/detect. */
  public BuildpackFixture staticPlan(String planToml) {
    write(dir.resolve("detect/plan.toml"), planToml);
    return this;
  }

  // ---- bin/generate

  /** bin/generate runs {@code body} after logging its run. */
  public BuildpackFixture generate(String body) {
    return script("generate", body);
  }

  /** bin/generate writes {@code content} to {@code $CNB_OUTPUT_DIR/<file>} (accumulates). */
  public BuildpackFixture generates(String file, String content) {
    generated.put(file, content);
    StringBuilder body = new StringBuilder();
    generated.forEach((f, c) -> {
      if (f.contains("/")) {
        body.append("mkdir -p \"$CNB_OUTPUT_DIR/").append(f, 0, f.lastIndexOf('/')).append("\"\n");
      }
      body.append("cat > \"$CNB_OUTPUT_DIR/").append(f).append("\" <<'EOF'\n").append(c).append("\nEOF\n");
    });
    return generate(body.append("exit 0").toString());
  }

  /** {@code <ext>/generate/<file>}: static output of an extension without bin/generate. */
  public BuildpackFixture staticGenerate(String file, String content) {
    write(dir.resolve("generate").resolve(file), content);
    return this;
  }

  // ---- bin/build

  /** bin/build runs {@code body} (with {@code $1} = its layers dir) after logging its run. */
  public BuildpackFixture build(String body) {
    return script("build", body);
  }

  private BuildpackFixture script(String name, String body) {
    Path bin = dir.resolve("bin").resolve(name);
    String text = "#!/bin/sh\necho '" + tag() + " " + name + "' >> '" + fixtures.log() + "'\n" + body + "\n";
    write(bin, text);
    try {
      Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
