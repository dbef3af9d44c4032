package dev.cnbfarm.lifecycle.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One run of a module executable: argv, a complete env, a working dir, a time limit. Immutable. */
public record Invocation(Path executable, List<String> args, Map<String, String> env, Path workDir, Duration timeout) {
  public Invocation {
    args = List.copyOf(args);
    env = Map.copyOf(env);
  }
}
