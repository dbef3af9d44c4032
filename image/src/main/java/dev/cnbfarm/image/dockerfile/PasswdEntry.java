package dev.cnbfarm.image.dockerfile;

import java.util.Optional;

/**
 * One line of an image's {@code /etc/passwd}, for the name and home of a uid already resolved by
 * {@code lifecycle.extend.ImageUser} (the one rule for the config {@code User}). Immutable.
 */
record PasswdEntry(String name, int uid, int gid, String home) {

  /** The first entry of {@code passwd} with {@code uid}, if any; malformed lines are skipped. */
  static Optional<PasswdEntry> byUid(String passwd, int uid) {
    for (String line : passwd.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 6 && f[2].equals(Integer.toString(uid)) && f[3].matches("\\d+")) {
        return Optional.of(new PasswdEntry(f[0], uid, Integer.parseInt(f[3]), f[5].isEmpty() ? "/" : f[5]));
      }
    }
    return Optional.empty();
  }
}
