package dev.cnbfarm.image.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The non-device part of the sandbox's {@code /dev}, written into the control dir so the setup
 * script can copy it with the device nodes in a single {@code cp -a}. Stateless.
 */
final class DevTemplate {
  /** Names created by {@link #write(Path)}, in copy order. */
  static final List<String> ENTRIES =
      List.of("fd", "stdin", "stdout", "stderr", "ptmx", "pts", "shm");

  private DevTemplate() {}

  static void write(Path dir) throws IOException {
    Files.createDirectory(dir);
    Files.createSymbolicLink(dir.resolve("fd"), Path.of("/proc/self/fd"));
    Files.createSymbolicLink(dir.resolve("stdin"), Path.of("/proc/self/fd/0"));
    Files.createSymbolicLink(dir.resolve("stdout"), Path.of("/proc/self/fd/1"));
    Files.createSymbolicLink(dir.resolve("stderr"), Path.of("/proc/self/fd/2"));
    Files.createSymbolicLink(dir.resolve("ptmx"), Path.of("pts/ptmx"));
    Files.setAttribute(Files.createDirectory(dir.resolve("pts")), "unix:mode", 0755);
    // Sticky and world-writable, as /dev/shm always is; NIO permissions cannot express the sticky
    // bit.
    Files.setAttribute(Files.createDirectory(dir.resolve("shm")), "unix:mode", 01777);
  }
}
