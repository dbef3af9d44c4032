package dev.cnbfarm.engine.testing;

/**
 * Test fixtures in the shape of real (Paketo-style) buildpacks, written by us as POSIX shell
 * scripts that use only their positional args (so they run at Buildpack API 0.7, which has no
 * {@code CNB_*_DIR} variables) and busybox tools, on the host or in the sample build image:
 *
 * <ul>
 *   <li>{@link #dependency}: provides and requires {@value #DEPENDENCY}; installs it into a
 *       {@code launch = true, cache = true} layer {@code dependency} with its version in {@code
 *       [metadata]}, reused ("Reusing cached layer ...", no install) when the restored
 *       {@code dependency.toml} has the same version; a {@code build = true, cache = true} layer
 *       {@code build-cache}; {@code dependency.sbom.cdx.json}; string process commands: {@code
 *       web} (default, {@code direct = false}, shell expansion of {@code $PORT}, which the layer's
 *       {@code env.launch/PORT.default} sets to 8080), {@code shell-args} ({@code direct = false}
 *       with args, each expanded by the shell) and {@code tool} ({@code direct = true}). When the
 *       Buildpack Plan has no {@value #DEPENDENCY} entry (an extension met it), it installs
 *       nothing, as Paketo's node-engine does next to ubi-nodejs-extension.
 *   <li>{@link #extension}: like paketo's ubi-nodejs-extension: provides {@value #DEPENDENCY};
 *       its run.Dockerfile only switches the run image ({@code FROM $BP_RUN_IMAGE}), its
 *       build.Dockerfile installs the dependency into the build image as root, offline.
 * </ul>
 *
 * Platform env (files in {@code <platform>/env/}, or the lifecycle's env) tunes the install for
 * rebuild tests: {@code BP_DEP_VERSION} (default {@code 1.0.0}), {@code BP_DEP_SIZE_MB} (the size
 * of the installed payload, default 1), {@code BP_DEP_INSTALL_SECONDS} (time an install takes,
 * default 0), and for the extension {@code BP_RUN_IMAGE} (the run image it switches to).
 */
public final class PaketoShapedBuildpacks {
  /** The plan entry the dependency buildpack and the extension provide. */
  public static final String DEPENDENCY = "dependency";
  public static final String DEPENDENCY_ID = "fixtures/dependency";
  public static final String EXTENSION_ID = "fixtures/ubi-like-extension";

  private PaketoShapedBuildpacks() {}

  /** The dependency buildpack, version 1.0.0, at Buildpack API {@code api} (0.7 and 0.8 are its APIs). */
  public static BuildpackFixture dependency(Fixtures fx, String api) {
    return fx.buildpack(DEPENDENCY_ID).api(api).detect(DETECT).build(BUILD);
  }

  /** The extension, version 1.0.0, at Buildpack API {@code api} (written for 0.7). */
  public static BuildpackFixture extension(Fixtures fx, String api) {
    return fx.extension(EXTENSION_ID).api(api).detect(EXTENSION_DETECT).generate(GENERATE);
  }

  static final String DETECT = """
      set -eu
      # $1 = <platform>, $2 = the plan to write (Buildpack API 0.7 has no CNB_BUILD_PLAN_PATH)
      cat > "$2" <<EOF
      [[provides]]
      name = "dependency"

      [[requires]]
      name = "dependency"
      [requires.metadata]
      version = "${BP_DEP_VERSION:-1.0.0}"
      EOF
      """;

  static final String BUILD = """
      set -eu
      layers=$1
      plan=$3
      version=${BP_DEP_VERSION:-1.0.0}
      size_mb=${BP_DEP_SIZE_MB:-1}
      install_seconds=${BP_DEP_INSTALL_SECONDS:-0}
      echo "Fixture dependency buildpack (version $version)"

      # metadata_version TOML: the [metadata] version of a restored layer toml, or nothing
      metadata_version() {
        [ -f "$1" ] || return 0
        while IFS= read -r line || [ -n "$line" ]; do
          case $line in
            'version = "'*'"') line=${line#'version = "'}; printf '%s' "${line%'"'}"; return 0 ;;
          esac
        done <"$1"
      }

      if grep -q '^name = "dependency"' "$plan"; then
        dep=$layers/dependency
        if [ -d "$dep" ] && [ "$(metadata_version "$dep.toml")" = "$version" ]; then
          echo "Reusing cached layer $dep"
        else
          echo "Installing dependency $version ($size_mb MB)"
          rm -rf "$dep"
          mkdir -p "$dep/bin" "$dep/env.launch"
          [ "$install_seconds" = 0 ] || sleep "$install_seconds"
          dd if=/dev/urandom of="$dep/payload.bin" bs=1048576 count="$size_mb" 2>/dev/null
          printf '#!/bin/sh\\necho "dependency %s $*"\\n' "$version" > "$dep/bin/dependency"
          chmod 755 "$dep/bin/dependency"
          printf '8080' > "$dep/env.launch/PORT.default"
          printf '%s' "$version" > "$dep/env.launch/DEPENDENCY_VERSION.override"
        fi
        printf '[types]\\nlaunch = true\\ncache = true\\n\\n[metadata]\\nversion = "%s"\\n' "$version" > "$dep.toml"
        printf '{"bomFormat":"CycloneDX","specVersion":"1.4","components":[{"type":"library","name":"dependency","version":"%s"}]}\\n' \\
          "$version" > "$dep.sbom.cdx.json"
      else
        echo "dependency provided by the build image: nothing to install"
      fi

      cache=$layers/build-cache
      if [ -d "$cache" ] && [ "$(metadata_version "$cache.toml")" = "$version" ]; then
        echo "Reusing cached layer $cache"
      else
        echo "Filling build cache $cache"
        rm -rf "$cache"
        mkdir -p "$cache/env.build"
        printf '%s' "$cache" > "$cache/env.build/DEP_BUILD_CACHE.override"
      fi
      printf '[types]\\nbuild = true\\ncache = true\\n\\n[metadata]\\nversion = "%s"\\n' "$version" > "$cache.toml"

      cat > "$layers/launch.toml" <<'EOF'
      [[processes]]
      type = "web"
      command = "echo \\"web on port $PORT with dependency $DEPENDENCY_VERSION\\""
      default = true

      [[processes]]
      type = "shell-args"
      command = "echo"
      args = ["port=$PORT", "two  spaces"]
      direct = false

      [[processes]]
      type = "tool"
      command = "dependency"
      args = ["--from-process"]
      direct = true
      EOF
      """;

  static final String EXTENSION_DETECT = """
      set -eu
      printf '[[provides]]\\nname = "dependency"\\n' > "$2"
      """;

  static final String GENERATE = """
      set -eu
      # $1 = the output dir (Buildpack API 0.7 extensions get CNB_OUTPUT_DIR too; args work everywhere)
      out=$1
      echo "FROM ${BP_RUN_IMAGE:-127.0.0.1:5000/fixtures/run-ubi-like:latest}" > "$out/run.Dockerfile"
      cat > "$out/build.Dockerfile" <<'DOCKERFILE'
      ARG base_image
      FROM ${base_image}

      ARG user_id=1000
      ARG group_id=1000
      USER root
      RUN mkdir -p /usr/local/bin && printf '#!/bin/sh\\necho "dependency from the build image"\\n' \\
          > /usr/local/bin/dependency && chmod 755 /usr/local/bin/dependency
      USER ${user_id}:${group_id}
      DOCKERFILE
      """;
}
