package dev.cnbfarm.image.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code launcher.sh} alone on the host, under dash ({@code /bin/sh}) and busybox sh, over a fake
 * layers tree and process table in a temp dir ({@code CNB_LAYERS_DIR}, {@code CNB_APP_DIR}).
 */
class LauncherScriptTest {
  @TempDir Path dir;
  Path script;
  Path layers;
  Path app;
  Path workDir;

  @BeforeEach
  void fakeLayersAndProcessTable() throws IOException {
    script = Files.write(dir.resolve("launcher"), ShellLauncher.script());
    layers = Files.createDirectories(dir.resolve("layers"));
    app = Files.createDirectories(dir.resolve("app"));
    workDir = Files.createDirectories(dir.resolve("work dir"));
    write("config/buildpacks", "bp_a\nbp_b\n");
    write("config/default-process", "web\n");
    // web: prints what the tests look at; user args are appended after its own args (its buildpack
    // is of Buildpack API 0.8: below 0.9 user args follow the process args)
    write("config/processes/web/command", "sh\n");
    write("config/processes/web/buildpack-api", "0.8\n");
    write("config/processes/web/args", "-c\necho \"GREETING=$GREETING LIST=$LIST PRE=$PRE DEF=$DEF ONLY=$ONLY"
        + " PROFILED=$PROFILED WEBPROFILE=$WEBPROFILE pwd=$(pwd) process=$CNB_PROCESS_TYPE $(tool) args=$*\"\nweb\n");
    write("config/processes/web/direct", "true\n");
    write("config/processes/worker/command", "sh\n");
    write("config/processes/worker/buildpack-api", "0.8\n");
    write("config/processes/worker/args", "-c\necho \"worker ONLY=$ONLY pwd=$(pwd) args=$*\"\nworker\n");
    write("config/processes/worker/direct", "true\n");
    write("config/processes/worker/working-dir", workDir + "\n");
    write("config/processes/shell/command", "echo\n");
    write("config/processes/shell/args", "shell \"$GREETING\"\n");
    write("config/processes/shell/direct", "false\n");
    write("config/processes/shell/buildpack-api", "0.7\n");
    write("config/processes/profiled/command", "echo \"PROFILED=$PROFILED WEBPROFILE=$WEBPROFILE\"\n");
    write("config/processes/profiled/direct", "false\n");
    write("config/processes/profiled/buildpack-api", "0.8\n");

    // bp_a: a launch layer with bin, env.launch (all actions), a process-specific dir and profile.d
    write("bp_a/tools.toml", "[types]\nlaunch = true # exported\n");
    write("bp_a/tools/bin/tool", "#!/bin/sh\necho tool-on-path\n");
    Files.setPosixFilePermissions(layers.resolve("bp_a/tools/bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    write("bp_a/tools/env.launch/GREETING", "hello world");
    write("bp_a/tools/env.launch/LIST.append", "b");
    write("bp_a/tools/env.launch/LIST.delim", ",");
    write("bp_a/tools/env.launch/PRE.prepend", "first");
    write("bp_a/tools/env.launch/PRE.delim", ":");
    write("bp_a/tools/env.launch/DEF.default", "from-layer");
    write("bp_a/tools/env.launch/worker/ONLY", "worker-only");
    write("bp_a/tools/profile.d/10-export.sh", "export PROFILED=\"$GREETING!\"\n");
    write("bp_a/tools/profile.d/web/web.sh", "export WEBPROFILE=yes\n");
    // bp_a: a layer that is not a launch layer contributes nothing
    write("bp_a/cache.toml", "[types]\ncache = true\nlaunch = false\n");
    write("bp_a/cache/env.launch/GREETING", "from a cache layer");
    write("bp_a/cache/env.launch/CACHED", "yes");
    Files.createDirectories(layers.resolve("bp_a/cache/bin"));
    Files.createDirectories(layers.resolve("bp_a/tools/lib"));
    // bp_b, later in the group: overrides bp_a's GREETING through env/
    write("bp_b/late.toml", "[types]\nlaunch=true\n");
    write("bp_b/late/env/GREETING.override", "hello from bp_b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void execDProgramsSetVariablesThroughFileDescriptorThree(String shell) throws Exception {
    write("config/processes/execd/command", "sh\n-c\n");
    write("config/processes/execd/args", "echo \"X=$FROM_EXECD Y=$ONLY_EXECD G=$GREETING\"\n");
    write("config/processes/execd/direct", "true\n");
    write("bp_b/late/exec.d/10-set", "#!/bin/sh\necho 'noise on stdout'\n"
        + "printf '%s\\n' '# a comment' 'FROM_EXECD = \"exec \\\"d\\\" \\\\ value\"' >&3\n");
    write("bp_b/late/exec.d/execd/20-only", "#!/bin/sh\necho 'ONLY_EXECD=\"for this process\"' >&3\n");
    for (String f : new String[] {"bp_b/late/exec.d/10-set", "bp_b/late/exec.d/execd/20-only"}) {
      Files.setPosixFilePermissions(layers.resolve(f), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Result r = launch(shell, Map.of("CNB_PROCESS_TYPE", "execd"));
    assertThat(r.code).as(r.stderr).isZero();
    assertThat(r.stdout).isEqualTo("X=exec \"d\" \\ value Y=for this process G=hello from bp_b\n");
    assertThat(r.stderr).contains("noise on stdout");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void aFailingExecDProgramStopsTheLaunch(String shell) throws Exception {
    write("bp_b/late/exec.d/broken", "#!/bin/sh\nexit 3\n");
    Files.setPosixFilePermissions(layers.resolve("bp_b/late/exec.d/broken"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Result r = launch(shell, Map.of());
    assertThat(r.code).isNotZero();
    assertThat(r.stderr).contains("exec.d program").contains("broken");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void theDefaultProcessGetsLaunchEnvBinAndAppDirButBeingDirectNoProfile(String shell) throws Exception {
    Result r = launch(shell, Map.of("LIST", "a", "PRE", "second", "DEF", "preset"));
    assertThat(r.code).as(r.stderr).isZero();
    assertThat(r.stdout).isEqualTo("GREETING=hello from bp_b LIST=a,b PRE=first:second DEF=preset ONLY="
        + " PROFILED= WEBPROFILE= pwd=" + app + " process=web tool-on-path args=\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void aProcessRunThroughTheShellGetsTheProfileScriptsOfEveryLaunchLayer(String shell) throws Exception {
    Result r = launch(shell, Map.of("CNB_PROCESS_TYPE", "profiled"));
    assertThat(r.code).as(r.stderr).isZero();
    assertThat(r.stdout).isEqualTo("PROFILED=hello from bp_b! WEBPROFILE=\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void unsetVariablesTakeTheirValueWithoutDelimiterAndDefaultsApply(String shell) throws Exception {
    Result r = launch(shell, Map.of());
    assertThat(r.stdout).startsWith("GREETING=hello from bp_b LIST=b PRE=first DEF=from-layer ONLY= ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void userArgsAreAppendedToTheChosenProcessOneArgumentEach(String shell) throws Exception {
    Result r = launch(shell, Map.of("CNB_PROCESS_TYPE", "web"), "one", "two words");
    assertThat(r.stdout).endsWith("args=one two words\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void argumentsWithoutAProcessTypeAreACustomCommandEvenWithADefault(String shell) throws Exception {
    Result r = launch(shell, Map.of(), "/bin/echo", "custom", "command");
    assertThat(r.stdout).isEqualTo("custom command\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void cnbProcessTypePicksTheProcessItsEnvDirAndWorkingDir(String shell) throws Exception {
    Result r = launch(shell, Map.of("CNB_PROCESS_TYPE", "worker"), "x");
    assertThat(r.code).as(r.stderr).isZero();
    assertThat(r.stdout).isEqualTo("worker ONLY=worker-only pwd=" + workDir + " args=x\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void startedAsCnbProcessTypeTheLinkNameWinsOverAnInheritedProcessType(String shell) throws Exception {
    Path link = Files.createDirectories(dir.resolve("cnb/process")).resolve("worker");
    Files.createSymbolicLink(link, script);
    script = link;
    Result r = launch(shell, Map.of("CNB_PROCESS_TYPE", "web"), "z");
    assertThat(r.code).as(r.stderr).isZero();
    assertThat(r.stdout).isEqualTo("worker ONLY=worker-only pwd=" + workDir + " args=z\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void withoutADefaultTheFirstArgumentMayNameTheProcess(String shell) throws Exception {
    Files.delete(layers.resolve("config/default-process"));
    Result r = launch(shell, Map.of(), "worker", "y");
    assertThat(r.stdout).isEqualTo("worker ONLY=worker-only pwd=" + workDir + " args=y\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void withoutAProcessTheArgumentsAreTheCommandWithTheLaunchEnv(String shell) throws Exception {
    Files.delete(layers.resolve("config/default-process"));
    Result r = launch(shell, Map.of(), "tool");
    assertThat(r.stdout).isEqualTo("tool-on-path\n");
    assertThat(launch(shell, Map.of(), "sh", "-c", "echo \"$GREETING\"").stdout).isEqualTo("hello from bp_b\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void libGoesOnLdLibraryPathAndLayersThatAreNotLaunchLayersAreIgnored(String shell) throws Exception {
    Files.delete(layers.resolve("config/default-process"));
    Result r = launch(shell, Map.of("LD_LIBRARY_PATH", "/usr/lib"), "sh", "-c",
        "echo \"$LD_LIBRARY_PATH|$PATH|${CACHED:-unset}\"");
    assertThat(r.stdout).isEqualTo(layers.resolve("bp_a/tools/lib") + ":/usr/lib|" + layers.resolve("bp_a/tools/bin")
        + ":/usr/bin:/bin|unset\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void aProcessThatIsNotDirectRunsAsShellText(String shell) throws Exception {
    Result r = launch(shell, Map.of("CNB_PROCESS_TYPE", "shell"), "extra");
    assertThat(r.stdout).isEqualTo("shell hello from bp_b extra\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void noProcessAndNoArgumentsOrAnUnknownTypeExit82(String shell) throws Exception {
    Result unknown = launch(shell, Map.of("CNB_PROCESS_TYPE", "nope"));
    assertThat(unknown.code).isEqualTo(82);
    assertThat(unknown.stderr).contains("no process type 'nope'");
    Files.delete(layers.resolve("config/default-process"));
    Result none = launch(shell, Map.of());
    assertThat(none.code).isEqualTo(82);
    assertThat(none.stderr).contains("no default process type");
  }

  private void write(String path, String content) throws IOException {
    Path file = layers.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "busybox"})
  void fromPlatformApi015AProcessRunsOnlyInAnExecutionEnvironmentItsExecEnvNames(String shell) throws Exception {
    write("config/processes/tests/command", "echo\n");
    write("config/processes/tests/args", "running tests\n");
    write("config/processes/tests/direct", "true\n");
    write("config/processes/tests/exec-env", "test\ndevelopment\n");
    write("config/processes/any/command", "echo\n");
    write("config/processes/any/args", "anywhere\n");
    write("config/processes/any/direct", "true\n");
    write("config/processes/any/exec-env", "*\n");

    Result production = launch(shell, Map.of("CNB_PLATFORM_API", "0.15", "CNB_PROCESS_TYPE", "tests"));
    assertThat(production.code).isNotZero();
    assertThat(production.stderr).contains("process type 'tests' is not for the execution environment 'production'");
    Result test = launch(shell, Map.of("CNB_PLATFORM_API", "0.15", "CNB_EXEC_ENV", "test", "CNB_PROCESS_TYPE", "tests"));
    assertThat(test.stdout).isEqualTo("running tests\n");
    assertThat(launch(shell, Map.of("CNB_PLATFORM_API", "0.15"), "any").stdout).isEqualTo("anywhere\n");
    // as a first argument, an ineligible type is a command of its own (the reference's userProvidedProcess)
    assertThat(launch(shell, Map.of("CNB_PLATFORM_API", "0.15"), "tests").stderr).doesNotContain("running tests");
    // below 0.15 the list is not looked at
    assertThat(launch(shell, Map.of("CNB_PLATFORM_API", "0.14", "CNB_PROCESS_TYPE", "tests")).stdout)
        .isEqualTo("running tests\n");
  }

  private Result launch(String shell, Map<String, String> env, String... args) throws Exception {
    List<String> argv = new ArrayList<>(shell.equals("busybox") ? List.of("busybox", "sh") : List.of(shell));
    argv.add(script.toString());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    Map<String, String> e = pb.environment();
    e.clear();
    Map<String, String> base = new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "CNB_LAYERS_DIR", layers.toString(),
        "CNB_APP_DIR", app.toString()));
    base.putAll(env);
    e.putAll(base);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out, err);
  }

  private record Result(int code, String stdout, String stderr) {}
}
