package dev.cnbfarm.lifecycle.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Reading files a buildpack or extension wrote (layer tomls, {@code launch.toml}, SBOMs, plans,
 * generated Dockerfiles) as the lifecycle, which may be root: a symlink is never followed (it
 * could name a host file the module cannot read itself) and only regular files are opened (a
 * FIFO would block the lifecycle). Text must be UTF-8; a bad byte is reported with its offset and
 * line instead of the JDK's "Input length = 1". Stateless and thread-safe.
 */
public final class ModuleFiles {
  private ModuleFiles() {}

  /** Whether {@code p} is a regular file itself (not a symlink to one). */
  public static boolean isRegularFile(Path p) {
    return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** Whether {@code p} is a directory itself (not a symlink to one). */
  public static boolean isDirectory(Path p) {
    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** The UTF-8 text of a module-written regular file; refuses symlinks and special files. */
  public static String readString(Path file) throws IOException {
    return TextFiles.decodeUtf8(readAllBytes(file), file.toString());
  }

  /** The bytes of a module-written regular file; refuses symlinks and special files. */
  public static byte[] readAllBytes(Path file) throws IOException {
    try (InputStream in = open(file)) {
      return in.readAllBytes();
    }
  }

  /** Copies a module-written regular file to {@code to} (replaced); refuses symlinks and special files. */
  public static void copyFile(Path from, Path to) throws IOException {
    try (InputStream in = open(from)) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Opens a regular file without following a symlink at its last component (O_NOFOLLOW, so a link
   * swapped in after the check fails too).
   */
  private static InputStream open(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      throw new IOException(file + ": is a symbolic link; files a buildpack or extension writes are read"
          + " without following links");
    }
    if (!a.isRegularFile()) {
      throw new IOException(file + ": is not a regular file");
    }
    return Channels.newInputStream(Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)));
  }

  /** UTF-8 decoding with the place of the first bad byte in the message. */
  public static final class TextFiles {
    private TextFiles() {}

    /** Reads {@code file} (following links: platform and builder files) as UTF-8. */
    public static String readUtf8(Path file) throws IOException {
      return decodeUtf8(Files.readAllBytes(file), file.toString());
    }

    /** Decodes {@code bytes}; a malformed sequence fails naming {@code label}, the byte offset and the line. */
    public static String decodeUtf8(byte[] bytes, String label) throws CharacterCodingException {
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer in = ByteBuffer.wrap(bytes);
      CharBuffer out = CharBuffer.allocate(bytes.length);
      CoderResult r = decoder.decode(in, out, true);
      if (r.isError()) {
        int offset = in.position();
        int line = 1;
        for (int i = 0; i < offset; i++) {
          if (bytes[i] == '\n') {
            line++;
          }
        }
        throw new InvalidTextException(label + ": invalid UTF-8 at byte " + offset + " (line " + line + ")");
      }
      decoder.flush(out);
      return out.flip().toString();
    }
  }

  /** Text that is not valid UTF-8; the message names the file, the byte offset and the line. */
  public static final class InvalidTextException extends CharacterCodingException {
    private static final long serialVersionUID = 1L;
    private final String message;

    InvalidTextException(String message) {
      this.message = message;
    }

    @Override
    public String getMessage() {
      return message;
    }
  }
}
