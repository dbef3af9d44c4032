package dev.cnbfarm.cli.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Test fixture: the buildpack {@code cnbfarm/deps}, which caches what it installs. Its {@code dep}
 * layer ({@code launch = true, cache = true}) is keyed by the version in {@code
 * <platform>/env/DEP_VERSION} (default {@code 1.0}) and unpacks {@code <platform>/dep.tar} when
 * there is one (the benchmark's 100 MB dependency); its {@code tools} layer is {@code build = true,
 * cache = true}. Each prints {@code installing <layer> <version>} or {@code reusing <layer>
 * <version>}, so a test sees whether the build redid the work; a reused {@code dep} says what its
 * program prints, after rewriting it to the same size and mtime when {@code <platform>/env/DEP_PATCH}
 * exists (a change only its ctime shows). It keeps the dep version in {@code store.toml} ({@code
 * [metadata] dep-version}) and prints {@code store had: dep-version = "V"} when the platform gave
 * one back.
 * {@link #API} is the Buildpack API
 * it declares, one variable so the fixture can move to another API.
 */
final class RebuildFixture {
  /** The Buildpack API of the fixture buildpack. */
  static final String API = "0.7";

  static final String ID = "cnbfarm/deps";

  private static final String BUILD = """
      #!/bin/sh
      set -eu
      layers="$1"
      platform="$2"
      version=1.0
      if [ -f "$platform/env/DEP_VERSION" ]; then version=$(cat "$platform/env/DEP_VERSION"); fi
      if [ -f "$layers/dep.toml" ] && grep -q "version = \\"$version\\"" "$layers/dep.toml" && [ -x "$layers/dep/bin/dep" ]; then
        echo "reusing dep $version"
        if [ -f "$platform/env/DEP_PATCH" ]; then
          # rewritten in place to the same size, its mtime put back: only the ctime tells
          echo "patching dep $version"
          touch -r "$layers/dep/bin/dep" "$layers/dep.mtime"
          printf '#!/bin/sh\necho DEP %s\n' "$version" > "$layers/dep/bin/dep"
          touch -r "$layers/dep.mtime" "$layers/dep/bin/dep"
          rm "$layers/dep.mtime"
        fi
        echo "dep says: $("$layers/dep/bin/dep")"
      else
        echo "installing dep $version"
        rm -rf "$layers/dep"
        mkdir -p "$layers/dep/bin"
        if [ -f "$platform/dep.tar" ]; then tar -xf "$platform/dep.tar" -C "$layers/dep"; fi
        printf '#!/bin/sh\\necho dep %s\\n' "$version" > "$layers/dep/bin/dep"
        chmod 755 "$layers/dep/bin/dep"
      fi
      printf '[types]\\nlaunch = true\\ncache = true\\n[metadata]\\nversion = "%s"\\n' "$version" > "$layers/dep.toml"
      if [ -f "$layers/tools.toml" ] && grep -q 'version = "1"' "$layers/tools.toml" && [ -f "$layers/tools/tool.txt" ]; then
        echo "reusing tools 1"
      else
        echo "installing tools 1"
        rm -rf "$layers/tools"
        mkdir -p "$layers/tools"
        echo "a build-time tool" > "$layers/tools/tool.txt"
      fi
      printf '[types]\\nbuild = true\\ncache = true\\n[metadata]\\nversion = "1"\\n' > "$layers/tools.toml"
      printf '[[processes]]\\ntype = "web"\\ncommand = "dep"\\ndefault = true\\n' > "$layers/launch.toml"
      if [ -f "$layers/store.toml" ]; then echo "store had: $(grep dep-version "$layers/store.toml")"; fi
      printf '[metadata]\\ndep-version = "%s"\\n' "$version" > "$layers/store.toml"
      """;

  private RebuildFixture() {}

  /** Writes the buildpack under {@code buildpacks} and an {@code order.toml} naming it; returns the order file. */
  static Path write(Path buildpacks, Path orderDir) throws IOException {
    Path bp = Files.createDirectories(buildpacks.resolve("cnbfarm_deps/1.0.0"));
    Files.writeString(bp.resolve("buildpack.toml"), "api = \"" + API + "\"\n[buildpack]\nid = \"" + ID
        + "\"\nversion = \"1.0.0\"\n[[targets]]\nos = \"linux\"\n");
    Files.createDirectories(bp.resolve("bin"));
    executable(bp.resolve("bin/detect"), "#!/bin/sh\nexit 0\n");
    executable(bp.resolve("bin/build"), BUILD);
    Path order = Files.createDirectories(orderDir).resolve("order.toml");
    Files.writeString(order, "[[order]]\n[[order.group]]\nid = \"" + ID + "\"\nversion = \"1.0.0\"\n");
    return order;
  }

  private static void executable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
