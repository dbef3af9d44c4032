package dev.cnbfarm.itests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.cli.Main;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.itests.farm.BuildWatch;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.client.BuildEvent;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/local/farm} as a user runs it (issue 11, "Must show"): {@code up --replicas 2} (a
 * standalone broker, a registry, two processes of every worker role), ten builds of the sample
 * app with the sample builder's three extensions, one replica of each role SIGKILLed once builds
 * are under way, every build exported all the same; then {@code down} leaves no process of its
 * PID files, no listening port and no mount of the farm.
 */
class LocalFarmIT {
  private static final int BUILDS = 10;
  private static final Duration BUILD = Duration.ofMinutes(8);
  private static final List<String> ROLES = List.of("detect", "extend-build", "extend-run", "export");
  private final Path repo = SampleImages.repoRoot();
  private Path dir;

  @AfterEach
  void nothingOutlivesTheTest() throws Exception {
    if (dir != null && Files.isDirectory(dir.resolve("pids"))) {
      script(Duration.ofMinutes(3), "down");
      for (FarmProcess p : processes()) {
        ProcessHandle.of(p.pid()).filter(h -> p.isAlive()).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    if (dir != null) {
      FileTrees.deleteQuietly(dir);
    }
  }

  @Test
  void upRunsEveryRoleTwiceBuildsSurviveAKilledReplicaOfEachRoleAndDownLeavesNothing() throws Exception {
    dir = Files.createTempDirectory("cnbfarm-local-farm-");
    Run up = script(Duration.ofMinutes(6), "up", "--replicas", "2");
    assertThat(up.code()).as("farm up:%n%s", up.output()).isZero();
    assertThat(up.output()).contains("the farm is up in " + dir, "extend-build-2", "export-2");
    Run again = script(Duration.ofMinutes(1), "up", "--replicas", "2");
    assertThat(again.code()).isZero();
    assertThat(again.output()).contains("already up");

    Map<String, String> env = env();
    List<FarmProcess> started = processes();
    assertThat(started).extracting(FarmProcess::name).contains("broker", "registry", "detect-1", "detect-2",
        "extend-build-1", "extend-build-2", "extend-run-1", "extend-run-2", "export-1", "export-2");
    List<Integer> ports = Files.readAllLines(dir.resolve("ports")).stream().map(String::trim)
        .filter(s -> !s.isEmpty()).map(Integer::parseInt).toList();

    // the first through the script (its defaults: the sample builder, run image and app), the rest in this JVM
    Run first = script(Duration.ofMinutes(2), "submit", "--image", env.get("CNBFARM_FARM_REGISTRY") + "/apps/b1:latest");
    assertThat(first.code()).as("farm submit:%n%s", first.output()).isZero();
    List<String> ids = new ArrayList<>(List.of(lastLine(first.stdout())));
    for (int i = 2; i <= BUILDS; i++) {
      ids.add(submit(env, env.get("CNBFARM_FARM_REGISTRY") + "/apps/b" + i + ":latest"));
    }
    List<BuildWatch> watches = new ArrayList<>();
    for (String id : ids) {
      watches.add(BuildWatch.follow(BuildClient.connect(env.get("CNBFARM_BOOTSTRAP"), Topics.defaults(), "itests"),
          id, BUILD));
    }

    // once builds are under way, one replica of every role dies as in a crash
    watches.get(0).awaitEvent("detected", BuildEvent.Detected.class::isInstance, Duration.ofMinutes(4));
    for (String role : ROLES) {
      FarmProcess victim = started.stream().filter(p -> p.name().equals(role + "-1")).findFirst().orElseThrow();
      ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
      await(victim);
    }
    Run status = script(Duration.ofMinutes(1), "status");
    assertThat(status.code()).as("status with replicas down:%n%s", status.output()).isEqualTo(1);
    assertThat(status.output()).containsPattern("extend-build-1 +\\d+ +DEAD").containsPattern(
        "extend-build-2 +\\d+ +alive +ready");

    for (BuildWatch w : watches) {
      assertThat(w.terminal(BUILD)).as("build %s: %s", w.buildId(), w.describe())
          .isInstanceOf(BuildEvent.Exported.class);
    }

    Run down = script(Duration.ofMinutes(3), "down");
    assertThat(down.code()).as("farm down:%n%s", down.output()).isZero();
    assertThat(started).as("processes of the PID files alive after down").noneMatch(FarmProcess::isAlive);
    assertThat(ports).as("ports of the farm listening after down").noneMatch(LocalFarmIT::listening);
    assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).as("mounts under %s", dir)
        .noneMatch(l -> l.contains(dir.toString()));
    assertThat(dir).doesNotExist();
    Run twice = script(Duration.ofMinutes(1), "down");
    assertThat(twice.code()).isZero();
    assertThat(twice.output()).contains("no farm is up");
  }

  /** One process of the farm's PID files: its PID and its start time (so a reused PID is not taken for it). */
  private record FarmProcess(String name, long pid, String startTime) {
    boolean isAlive() {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // a zombie is dead: only its parent (not us) could reap it
        return !rest[0].equals("Z") && !rest[0].equals("X") && rest[19].equals(startTime);
      } catch (IOException gone) {
        return false;
      }
    }
  }

  private List<FarmProcess> processes() throws IOException {
    List<FarmProcess> out = new ArrayList<>();
    Path pids = dir.resolve("pids");
    if (!Files.isDirectory(pids)) {
      return out;
    }
    try (Stream<Path> files = Files.list(pids)) {
      for (Path f : files.sorted().toList()) {
        String[] fields = Files.readString(f).trim().split(" ");
        out.add(new FarmProcess(f.getFileName().toString().replace(".pid", ""), Long.parseLong(fields[0]),
            fields[1]));
      }
    }
    return out;
  }

  private static void await(FarmProcess p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (p.isAlive()) {
      assertThat(System.nanoTime()).as("%s gone after SIGKILL", p).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private Map<String, String> env() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve("farm.env"))) {
      int eq = line.indexOf('=');
      if (line.startsWith("CNBFARM_") && eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  /** {@code cnbfarm submit} of the sample, as the script's defaults make it, in this JVM. */
  private String submit(Map<String, String> farm, String image) {
    String[] args = {"submit", "--bootstrap", farm.get("CNBFARM_BOOTSTRAP"), "--builder", farm.get("CNBFARM_FARM_BUILDER"),
        "--run-image", farm.get("CNBFARM_FARM_RUN_IMAGE"), "--env", "SAMPLES_RUN_TINY=" + farm.get("CNBFARM_FARM_RUN_TINY"),
        "--app", repo.resolve("samples/apps/hello").toString(), "--image", image, "--requested-by", "itests"};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.put("CNBFARM_TOPIC_PARTITIONS", farm.get("CNBFARM_TOPIC_PARTITIONS"));
    int code = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as("cnbfarm submit: %s", text).isZero();
    return lastLine(text);
  }

  private static String lastLine(String text) {
    List<String> lines = text.trim().lines().toList();
    return lines.get(lines.size() - 1).trim();
  }

  private record Run(int code, String stdout, String output) {}

  /** Runs {@code deploy/local/farm <args> --dir <dir>} as CI would: no stdin, CI=true. */
  private Run script(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", repo.resolve("deploy/local/farm").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--dir", dir.toString()));
    Path stdout = Files.createTempFile("local-farm-", ".out");
    Path stderr = Files.createTempFile("local-farm-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile())
          .redirectInput(new File("/dev/null")).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
      builder.environment().put("CI", "true");
      // the reactor has just packaged the CLI: no nested Maven build of it
      builder.environment().put("CNBFARM_FARM_BUILD_CLI", "never");
      Process p = builder.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("farm " + String.join(" ", args) + " did not end within " + timeout + ":\n"
            + Files.readString(stdout) + Files.readString(stderr));
      }
      String out = Files.readString(stdout);
      return new Run(p.exitValue(), out, out + Files.readString(stderr));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  /** Whether something listens on TCP {@code port} (any address), from /proc/net/tcp and tcp6. */
  private static boolean listening(int port) {
    String hex = String.format(":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 3 && f[1].endsWith(hex) && f[3].equals("0A")) {
            return true;
          }
        }
      } catch (IOException e) {
        // no such table
      }
    }
    return false;
  }
}
