package dev.cnbfarm.lifecycle.extend;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The numeric user and group of an image config's {@code User} (decisions.md #10): names are
 * resolved through the image's {@code /etc/passwd} and {@code /etc/group}; a user without a group
 * takes its primary group from passwd; an unknown name is an error naming it. Immutable.
 */
public record ImageUser(int uid, int gid) {
  public static final ImageUser ROOT = new ImageUser(0, 0);

  /**
   * @param user the config's {@code User} ({@code ""}, {@code 1000}, {@code 1000:1000}, {@code cnb},
   *     {@code cnb:cnb})
   * @param files reads a file of the image by absolute path
   */
  public static ImageUser resolve(String user, Function<String, Optional<String>> files) {
    if (user == null || user.isEmpty()) {
      return ROOT;
    }
    int colon = user.indexOf(':');
    String u = colon < 0 ? user : user.substring(0, colon);
    String g = colon < 0 ? "" : user.substring(colon + 1);
    String[] passwd = u.matches("\\d+") ? lookupById(u, files) : lookup("/etc/passwd", u, files, "user");
    int uid = id(passwd == null ? u : passwd[2], user);
    int gid;
    if (!g.isEmpty()) {
      gid = id(g.matches("\\d+") ? g : lookup("/etc/group", g, files, "group")[2], user);
    } else if (passwd != null) {
      gid = id(passwd[3], user);
    } else {
      gid = uid == 0 ? 0 : uid;
    }
    return new ImageUser(uid, gid);
  }

  /** A numeric uid or gid; out of range (or garbage in passwd) is a clear error, not a Java one. */
  private static int id(String text, String user) {
    try {
      int id = Integer.parseInt(text);
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LifecycleException(FailureCode.EXTEND_ERROR, "user '" + user + "': '" + text
        + "' is not a uid or gid in the range 0 to " + Integer.MAX_VALUE);
  }

  public boolean isRoot() {
    return uid == 0;
  }

  @Override
  public String toString() {
    return uid + ":" + gid;
  }

  private static String[] lookupById(String uid, Function<String, Optional<String>> files) {
    return files.apply("/etc/passwd").flatMap(text -> text.lines().map(l -> l.split(":", -1))
        .filter(f -> f.length >= 4 && f[2].equals(uid)).findFirst()).orElse(null);
  }

  private static String[] lookup(String file, String name, Function<String, Optional<String>> files, String what) {
    return files.apply(file).flatMap(text -> text.lines().map(l -> l.split(":", -1))
            .filter(f -> f.length >= 3 && f[0].equals(name)).findFirst())
        .filter(f -> f[2].matches("\\d+") && (!what.equals("user") || f.length >= 4))
        .orElseThrow(() -> new LifecycleException(FailureCode.EXTEND_ERROR,
            "image " + what + " '" + name + "' is not in the image's " + file));
  }
}
