package dev.cnbfarm.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code kubectl kustomize}, the renderer the manifests are written for: Debian 12's kubectl 1.20
 * (kustomize v2.0.3), which scripts/test unpacks from the {@code kubernetes-client} package
 * (system property {@code cnbfarm.kubectl}), and, where the machine has one, the kubectl on the
 * PATH (kustomize v5 in kubectl 1.27+). Immutable.
 */
record KustomizeRenderer(Path kubectl, String version) {
  static final String PROPERTY = "cnbfarm.kubectl";

  /** The pinned renderer; fails with the way to get it when it is missing. */
  static KustomizeRenderer pinned() {
    String configured = System.getProperty(PROPERTY, "");
    Path path = Path.of(configured.isEmpty() ? "kubectl" : configured);
    if (configured.isEmpty() || !Files.isExecutable(path)) {
      throw new AssertionError("no kubectl at '" + configured + "' (system property " + PROPERTY + "): scripts/test "
          + "unpacks Debian's kubernetes-client package there (apt-get download kubernetes-client; dpkg-deb -x)");
    }
    return of(path).orElseThrow(() -> new AssertionError(path + " does not run: `kubectl version --client` failed"));
  }

  /** Every renderer this machine has: the pinned one, and the PATH's kubectl when it is another. */
  static List<KustomizeRenderer> available() {
    List<KustomizeRenderer> all = new ArrayList<>(List.of(pinned()));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        of(candidate).filter(r -> !r.version().equals(all.get(0).version())).ifPresent(all::add);
        break;
      }
    }
    return List.copyOf(all);
  }

  private static Optional<KustomizeRenderer> of(Path kubectl) {
    try {
      Run run = run(List.of(kubectl.toString(), "version", "--client"), null);
      if (run.exit() != 0) {
        return Optional.empty();
      }
      String version = run.out().lines().filter(l -> l.contains("ersion")).findFirst().orElse("?")
          .replaceAll(".*GitVersion:\"([^\"]+)\".*", "$1").replace("Client Version: ", "").strip();
      return Optional.of(new KustomizeRenderer(kubectl, version));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The rendered YAML stream of the kustomization in {@code dir}. */
  String render(Path dir) {
    try {
      Run run = run(List.of(kubectl.toString(), "kustomize", dir.toString()), null);
      if (run.exit() != 0) {
        throw new AssertionError("kubectl " + version + " kustomize " + dir + " failed: " + run.err().strip());
      }
      return run.out();
    } catch (IOException e) {
      throw new AssertionError("cannot run " + kubectl + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "kubectl " + version;
  }

  record Run(int exit, String out, String err) {}

  static Run run(List<String> command, Path workDir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 5 minutes");
      }
      return new Run(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String drain(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
