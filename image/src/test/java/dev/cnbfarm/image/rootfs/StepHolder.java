package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second process for the tests: opens {@code args[0]} as a scratch root, prepares a step over
 * the layer dirs {@code args[2..]}, prints its step dir, and then either holds it until its stdin
 * closes ({@code args[1]} = {@code hold}) or dies without closing it ({@code die}).
 */
public final class StepHolder {
  private StepHolder() {}

  /** Runs this class in a fresh JVM on the test class path. */
  public static Child start(String mode, Path scratchRoot, Path... layers) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), StepHolder.class.getName(), scratchRoot.toString(), mode));
    for (Path layer : layers) {
      cmd.add(layer.toString());
    }
    Process process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line = new String(process.getInputStream().readNBytes(4096)).lines().findFirst().orElse("");
    return new Child(process, line);
  }

  /** The running child and the step dir it printed (empty if it failed). */
  public record Child(Process process, String stepDir) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      process.getOutputStream().close();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static void main(String[] args) throws IOException {
    List<Path> layers = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      layers.add(Path.of(args[i]));
    }
    OverlayMount mount = ScratchSpace.open(Path.of(args[0])).prepare(RootfsPlan.of(layers));
    // One line, then close stdout so the parent's readNBytes returns.
    System.out.println(mount.stepDir());
    System.out.close();
    if (args[1].equals("die")) {
      Runtime.getRuntime().halt(0);
    }
    while (System.in.read() >= 0) {
      // hold the step until the parent closes our stdin
    }
    mount.close();
  }
}
