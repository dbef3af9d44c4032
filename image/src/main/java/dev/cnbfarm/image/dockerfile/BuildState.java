package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.dockerfile.Dockerfile;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.extend.ImageUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mutable state while one Dockerfile is applied: the image so far, the ARGs in scope, the SHELL,
 * the cache key chain, counters and warnings. One instance per Dockerfile; not thread-safe.
 */
final class BuildState {
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  final Dockerfile dockerfile;
  final ApplyRequest request;
  final ImageState base;
  private ImageState image;
  /** The config's Env as a map, parsed once; null until needed, dropped when the image is replaced. */
  private Map<String, String> env;
  /** ENV steps changed {@link #env} but not yet the config: written once, when the image is next read. */
  private boolean envPending;
  final Map<String, String> argsInScope = new LinkedHashMap<>();
  /** ARGs declared before FROM: in Docker they are only visible to FROM (and, here, COPY --from). */
  final Map<String, String> globalArgs = new LinkedHashMap<>();
  List<String> shell = List.of("/bin/sh", "-c");
  final List<StateLayer> newLayers = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  int runsExecuted;
  int cacheHits;
  private String cacheKey;

  BuildState(Dockerfile dockerfile, ApplyRequest request) {
    this.dockerfile = dockerfile;
    this.request = request;
    this.base = request.base();
    this.image = request.base();
    StringBuilder seed = new StringBuilder("base");
    request.base().layers().forEach(l -> seed.append(' ').append(l.diffId()));
    seed.append('\n').append(new String(request.base().config().toJson(), StandardCharsets.UTF_8));
    this.cacheKey = sha256(seed.toString());
    for (var ins : dockerfile.globalArgs()) {
      for (var arg : dev.cnbfarm.lifecycle.dockerfile.ArgDeclaration.parseAll(dockerfile, ins)) {
        String v = request.buildArgs().getOrDefault(arg.name(), arg.defaultValue().orElse(null));
        if (v != null) {
          globalArgs.put(arg.name(), v);
        }
      }
    }
  }

  /** Variables for {@code COPY --from}: the global ARGs, then what the stage has in scope. */
  Map<String, String> fromVars() {
    Map<String, String> vars = new LinkedHashMap<>(globalArgs);
    vars.putAll(expansionVars());
    return vars;
  }

  /**
   * The image so far. ENV steps only update a map, written into the config here: rewriting the
   * config (a JSON deep copy) per ENV made 10,000 ENV lines quadratic (issue 12).
   */
  ImageState image() {
    if (envPending) {
      image = image.withConfig(image.config().withEnv(ImageEnv.format(env)));
      envPending = false;
    }
    return image;
  }

  void setImage(ImageState newImage) {
    image();
    image = newImage;
    env = null;
  }

  /** Sets one ENV variable (moved to the end, as Docker does). */
  void putEnv(String key, String value) {
    env();
    env.remove(key);
    env.put(key, value);
    envPending = true;
  }

  ImageConfig config() {
    return image().config();
  }

  private Map<String, String> env() {
    if (env == null) {
      env = ImageEnv.parse(image.config().env());
    }
    return env;
  }

  char escape() {
    return dockerfile.escape();
  }

  /** The image's ENV as a map (split on the first '=', decisions.md #9). */
  Map<String, String> imageEnv() {
    return java.util.Collections.unmodifiableMap(env());
  }

  /**
   * Variables for expanding instruction arguments: ARGs in scope, overridden by ENV. A read-only
   * view, not a copy (a copy per instruction is quadratic); it sees later changes.
   */
  Map<String, String> expansionVars() {
    Map<String, String> envView = env();
    return new java.util.AbstractMap<>() {
      @Override
      public String get(Object key) {
        String v = envView.get(key);
        return v != null ? v : argsInScope.get(key);
      }

      @Override
      public boolean containsKey(Object key) {
        return envView.containsKey(key) || argsInScope.containsKey(key);
      }

      @Override
      public java.util.Set<Map.Entry<String, String>> entrySet() {
        Map<String, String> vars = new LinkedHashMap<>(argsInScope);
        vars.putAll(envView);
        return java.util.Collections.unmodifiableMap(vars).entrySet();
      }
    };
  }

  /** The environment of a RUN: ENV, plus ARGs in scope that ENV does not set, plus a default PATH. */
  Map<String, String> runEnv() {
    Map<String, String> env = new TreeMap<>(argsInScope);
    env.putAll(imageEnv());
    env.putIfAbsent("PATH", DEFAULT_PATH);
    return env;
  }

  String workingDir() {
    return config().workingDir().filter(s -> !s.isEmpty()).orElse("/");
  }

  ImageUser user() {
    return ImageUser.resolve(config().user().orElse(""), image().stack()::readText);
  }

  /** Advances the key chain with this instruction's identity and returns the new key. */
  String nextKey(String identity) {
    cacheKey = sha256(cacheKey + "\n" + identity);
    return cacheKey;
  }

  static String sha256(String text) {
    MessageDigest md = Digest.sha256();
    return toHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static String toHex(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) {
      b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return b.toString();
  }

  Path context() {
    return request.context();
  }
}
