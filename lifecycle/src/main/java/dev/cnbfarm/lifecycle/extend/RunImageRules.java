package dev.cnbfarm.lifecycle.extend;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.Map;

/**
 * The rules that hold after run.Dockerfiles are applied (platform.md "extender"; decisions.md #3,
 * #12): before each run.Dockerfile the rebasable label is reset to {@code false}, so the extended
 * image is rebasable only when every Dockerfile set {@code io.buildpacks.rebasable=true} itself;
 * and the final user must not be root. Stateless.
 */
public final class RunImageRules {
  public static final String REBASABLE = "io.buildpacks.rebasable";

  private RunImageRules() {}

  /** The labels a run.Dockerfile starts from: the base's, with rebasable reset to false. */
  public static Map<String, String> labelsBeforeDockerfile(Map<String, String> baseLabels) {
    Map<String, String> out = new java.util.LinkedHashMap<>(baseLabels);
    out.put(REBASABLE, "false");
    return out;
  }

  /** Whether one applied run.Dockerfile left its image rebasable. */
  public static boolean rebasable(Map<String, String> labelsAfter) {
    return "true".equals(labelsAfter.get(REBASABLE));
  }

  /** Fails (exit 102) when the final run image user is root, naming the last extension. */
  public static void requireNonRootFinalUser(ImageUser user, String lastExtension) {
    if (user.isRoot()) {
      throw new LifecycleException(FailureCode.EXTEND_ERROR, "the final user ID is 0 (root) after the run.Dockerfile of "
          + lastExtension + "; please add another extension that resets the user to non-root");
    }
  }

  /** The history entry of a layer made by an extension (extensions.md §6.3). */
  public static String history(String createdBy, String extensionId) {
    return "Layer: '" + createdBy + "', Created by extension: " + extensionId;
  }
}
