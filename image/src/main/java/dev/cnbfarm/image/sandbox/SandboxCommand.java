package dev.cnbfarm.image.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The argv a sandbox executes inside its root, resolved with the {@code PATH} of the sandbox's env.
 * Immutable.
 *
 * @param argv program and arguments; the program is looked up inside the root, never on the host
 * @param shellForm whether the last argument is a script for the shell given by the others (RUN's
 *     shell form); a script longer than the kernel's 128 KiB bound on one argument is then handed
 *     to the shell as a file ({@code . <file>}) instead of through argv
 */
public record SandboxCommand(List<String> argv, boolean shellForm) {
  /** Docker's default shell for the shell form of RUN. */
  public static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

  public SandboxCommand {
    argv = List.copyOf(argv);
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("command needs a program");
    }
    for (String arg : argv) {
      if (arg.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("command argument contains NUL: " + arg);
      }
    }
    if (shellForm && argv.size() < 2) {
      throw new IllegalArgumentException("shell form needs a shell and a script");
    }
  }

  /** An exec-form command. */
  public SandboxCommand(List<String> argv) {
    this(argv, false);
  }

  /** The exec form: {@code RUN ["prog", "arg"]}. */
  public static SandboxCommand exec(List<String> argv) {
    return new SandboxCommand(argv);
  }

  /** The exec form: {@code RUN ["prog", "arg"]}. */
  public static SandboxCommand exec(String... argv) {
    return new SandboxCommand(List.of(argv));
  }

  /** The shell form with the default shell: {@code /bin/sh -c <script>}. */
  public static SandboxCommand shell(String script) {
    return shell(DEFAULT_SHELL, script);
  }

  /** The shell form with a shell set by {@code SHELL ["bash", "-eo", "pipefail", "-c"]}. */
  public static SandboxCommand shell(List<String> shell, String script) {
    List<String> argv = new ArrayList<>(shell);
    argv.add(script);
    return new SandboxCommand(argv, true);
  }
}
