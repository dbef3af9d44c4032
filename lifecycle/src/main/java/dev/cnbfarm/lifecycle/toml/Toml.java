package dev.cnbfarm.lifecycle.toml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads TOML files into a {@link TomlTable} tree and writes trees back as TOML text. Parse errors
 * name the file and the line. Stateless and thread-safe.
 */
public final class Toml {
  private static final TomlMapper MAPPER = new TomlMapper();

  private Toml() {}

  /**
   * Reads {@code file}; a missing file or malformed content fails with {@code code} and a message
   * naming the file (and the line, for syntax errors).
   */
  public static TomlTable read(Path file, FailureCode code) {
    return read(file, code, false);
  }

  /**
   * Reads a file a buildpack or extension wrote ({@code launch.toml}, layer tomls): as {@link
   * #read}, but a symlink or special file is refused, never followed (issue 12).
   */
  public static TomlTable readWritten(Path file, FailureCode code) {
    return read(file, code, true);
  }

  private static TomlTable read(Path file, FailureCode code, boolean moduleWritten) {
    String text;
    try {
      text = moduleWritten ? ModuleFiles.readString(file) : ModuleFiles.TextFiles.readUtf8(file);
    } catch (NoSuchFileException e) {
      throw new LifecycleException(code, file + ": file not found");
    } catch (ModuleFiles.InvalidTextException e) {
      throw new LifecycleException(code, e.getMessage(), e);
    } catch (IOException e) {
      throw new LifecycleException(code, file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(text, file.toString(), code);
  }

  /** Parses TOML text; {@code label} is what error messages call the source. */
  public static TomlTable parse(String text, String label, FailureCode code) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new LifecycleException(
          code, label + ": malformed TOML" + where + ": " + e.getOriginalMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      return new TomlTable(label, "", new LinkedHashMap<>(), code);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) toJava(node);
    return new TomlTable(label, "", map, code);
  }

  /** Writes {@code tree} as TOML (tables and arrays of tables as headers) to {@code file}. */
  public static void write(Path file, Map<String, ?> tree) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
      Files.writeString(tmp, TomlWriter.write(tree), StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** {@code tree} as TOML text, as {@link #write} would write it. */
  public static String format(Map<String, ?> tree) {
    return TomlWriter.write(tree);
  }

  static Object toJava(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), toJava(e.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>();
      node.forEach(n -> out.add(toJava(n)));
      return out;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return node.asText();
  }
}
