package dev.cnbfarm.image.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Everything one sandboxed run needs. Immutable; build it with {@link #builder()} or, for a
 * Dockerfile RUN step, {@link #dockerfileRun(SandboxRoot, SandboxCommand)}.
 *
 * @param root the overlay or plain directory that becomes {@code /}
 * @param command the argv, resolved inside the root
 * @param env exactly the environment of the command, plus {@code PWD} (bubblewrap sets it to the
 *     working dir); nothing is inherited (no {@code PATH} unless given)
 * @param user numeric uid:gid; root only for Dockerfile steps and images without a user (then with
 *     Docker's default capabilities), any other uid in a user namespace mapping only it
 * @param workingDir the command's cwd inside the root; must already exist there
 * @param binds host paths made visible inside the root; targets must not nest in each other nor lie
 *     under {@code /proc} or {@code /dev}
 * @param hostname the UTS hostname inside the sandbox
 * @param timeLimit after this the whole namespace is killed
 * @param network host network or none
 */
public record SandboxSpec(
    SandboxRoot root,
    SandboxCommand command,
    Map<String, String> env,
    SandboxUser user,
    String workingDir,
    List<BindMount> binds,
    String hostname,
    Duration timeLimit,
    NetworkMode network) {
  private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})");
  private static final List<String> RESERVED = List.of("/proc", "/dev");

  public SandboxSpec {
    requireAll(root, command, env, user, workingDir, binds, hostname, timeLimit, network);
    env = Collections.unmodifiableMap(new TreeMap<>(env));
    env.forEach(SandboxSpec::checkEnv);
    workingDir = RootPaths.normalize(workingDir);
    binds = List.copyOf(binds);
    checkBinds(binds);
    if (!HOSTNAME.matcher(hostname).matches()) {
      throw new IllegalArgumentException("invalid hostname '" + hostname + "'");
    }
    if (timeLimit.isZero() || timeLimit.isNegative()) {
      throw new IllegalArgumentException("time limit must be positive: " + timeLimit);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder preset for a Dockerfile RUN step: runs as root and shares the host network (so {@code
   * apt-get} works), as Docker does.
   */
  public static Builder dockerfileRun(SandboxRoot root, SandboxCommand command) {
    return builder().root(root).command(command).user(SandboxUser.ROOT).network(NetworkMode.HOST);
  }

  private static void requireAll(Object... values) {
    for (Object value : values) {
      if (value == null) {
        throw new IllegalArgumentException("sandbox spec has a null field; use the builder");
      }
    }
  }

  private static void checkEnv(String key, String value) {
    if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid env var name '" + key + "'");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("env var " + key + " contains NUL");
    }
  }

  private static void checkBinds(List<BindMount> binds) {
    Set<String> seen = new HashSet<>();
    for (BindMount bind : binds) {
      for (String reserved : RESERVED) {
        if (RootPaths.isWithin(bind.target(), reserved)
            || RootPaths.isWithin(reserved, bind.target())) {
          throw new IllegalArgumentException(
              "bind target " + bind.target() + " clashes with " + reserved);
        }
      }
      if (!seen.add(bind.target())) {
        throw new IllegalArgumentException("two binds target " + bind.target());
      }
      for (BindMount other : binds) {
        if (other != bind && RootPaths.isWithin(bind.target(), other.target())) {
          throw new IllegalArgumentException(
              "bind target " + bind.target() + " is nested in " + other.target());
        }
      }
    }
  }

  /**
   * Builds a {@link SandboxSpec}. {@code root}, {@code command}, {@code user} and {@code network}
   * are required (no silent root, no silent network choice); the rest default to: empty env,
   * working dir {@code /}, no binds, hostname {@code cnbfarm}, time limit 30 minutes. Not
   * thread-safe.
   */
  public static final class Builder {
    private SandboxRoot root;
    private SandboxCommand command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private SandboxUser user;
    private String workingDir = "/";
    private final List<BindMount> binds = new ArrayList<>();
    private String hostname = "cnbfarm";
    private Duration timeLimit = Duration.ofMinutes(30);
    private NetworkMode network;

    private Builder() {}

    public Builder root(SandboxRoot root) {
      this.root = root;
      return this;
    }

    public Builder command(SandboxCommand command) {
      this.command = command;
      return this;
    }

    /** Replaces the environment with exactly {@code env}. */
    public Builder env(Map<String, String> env) {
      this.env.clear();
      this.env.putAll(env);
      return this;
    }

    public Builder env(String key, String value) {
      this.env.put(key, value);
      return this;
    }

    public Builder user(SandboxUser user) {
      this.user = user;
      return this;
    }

    public Builder workingDir(String workingDir) {
      this.workingDir = workingDir;
      return this;
    }

    public Builder bind(BindMount bind) {
      this.binds.add(bind);
      return this;
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder timeLimit(Duration timeLimit) {
      this.timeLimit = timeLimit;
      return this;
    }

    public Builder network(NetworkMode network) {
      this.network = network;
      return this;
    }

    /**
     * Builds the spec.
     *
     * @throws IllegalArgumentException listing every missing required field at once, or naming an
     *     invalid value
     */
    public SandboxSpec build() {
      List<String> missing = new ArrayList<>();
      if (root == null) {
        missing.add("root");
      }
      if (command == null) {
        missing.add("command");
      }
      if (user == null) {
        missing.add("user");
      }
      if (network == null) {
        missing.add("network");
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("sandbox spec is missing " + String.join(", ", missing));
      }
      return new SandboxSpec(
          root, command, env, user, workingDir, binds, hostname, timeLimit, network);
    }
  }
}
