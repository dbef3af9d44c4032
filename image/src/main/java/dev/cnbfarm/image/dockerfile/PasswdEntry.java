package dev.cnbfarm.image.dockerfile;

import java.util.Optional;

/** One line of an image's {@code /etc/passwd}: the user's name and home dir. Immutable. */
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

  /** The first entry of {@code passwd} named {@code name}, if any; malformed lines are skipped. */
  static Optional<PasswdEntry> byName(String passwd, String name) {
    for (String line : passwd.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 6 && f[0].equals(name) && f[2].matches("\\d+") && f[3].matches("\\d+")) {
        return Optional.of(new PasswdEntry(name, Integer.parseInt(f[2]), Integer.parseInt(f[3]),
            f[5].isEmpty() ? "/" : f[5]));
      }
    }
    return Optional.empty();
  }

  /** The gid of the group named {@code name} in {@code group} ({@code /etc/group}), if any. */
  static Optional<Integer> groupId(String group, String name) {
    for (String line : group.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 3 && f[0].equals(name) && f[2].matches("\\d+")) {
        return Optional.of(Integer.parseInt(f[2]));
      }
    }
    return Optional.empty();
  }
}
