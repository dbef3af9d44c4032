package dev.cnbfarm.image.rebase;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The config of a rebased image: the new run image's config (os, architecture, variant, and the
 * base part of rootfs and history) carrying the app's runtime config (Env, Entrypoint, Cmd, User,
 * WorkingDir, labels...), the app's layers above the seam and their history, and labels where
 * the base's own labels come from the new run image. Stateless.
 */
final class RebasedConfig {
  private static final List<String> BASE_LABEL_PREFIXES = List.of("io.buildpacks.base.", "io.buildpacks.stack.");

  private RebasedConfig() {}

  static ImageConfig of(Image app, Image newRun, RebaseSeam seam, Optional<Image> oldBase, String lifecycleLabel) {
    ImageConfig appConfig = app.config();
    List<Digest> appIds = appConfig.diffIds();
    List<Digest> diffIds = new ArrayList<>(newRun.config().diffIds());
    diffIds.addAll(appIds.subList(seam.layerCount(), appIds.size()));
    List<ImageConfig.History> history = new ArrayList<>(newRun.config().history());
    if (seam.historyCount() >= 0) {
      List<ImageConfig.History> appHistory = appConfig.history();
      history.addAll(appHistory.subList(seam.historyCount(), appHistory.size()));
    } else if (!history.isEmpty()) {
      for (int i = seam.layerCount(); i < appIds.size(); i++) {
        history.add(new ImageConfig.History("", "layer " + i + " of " + app.pinnedRef() + " (kept by rebase)", "", false));
      }
    }
    Map<String, String> labels = labels(appConfig.labels(), oldBase.map(b -> b.config().labels()),
        newRun.config().labels());
    labels.put(LifecycleMetadata.LABEL, lifecycleLabel);
    ImageConfig config = newRun.config().withRuntimeConfigOf(appConfig).withRootfs(diffIds, history).withLabels(labels);
    return appConfig.created().map(config::withCreated).orElse(config);
  }

  /**
   * The app's labels, except that labels it inherited from the old run image (same key and value)
   * are dropped, the new run image's {@code io.buildpacks.base.*}/{@code io.buildpacks.stack.*}
   * labels replace the app's, and its other labels are added where the app has none. {@code
   * io.buildpacks.rebasable} stays as the app has it: extensions may have decided it.
   */
  static Map<String, String> labels(Map<String, String> app, Optional<Map<String, String>> oldBase,
      Map<String, String> newBase) {
    Map<String, String> labels = new TreeMap<>(app);
    oldBase.ifPresent(old -> old.forEach((k, v) -> {
      if (!k.equals(Rebaser.REBASABLE) && v.equals(labels.get(k))) {
        labels.remove(k);
      }
    }));
    labels.keySet().removeIf(k -> BASE_LABEL_PREFIXES.stream().anyMatch(k::startsWith));
    newBase.forEach((k, v) -> {
      if (BASE_LABEL_PREFIXES.stream().anyMatch(k::startsWith)) {
        labels.put(k, v);
      } else {
        labels.putIfAbsent(k, v);
      }
    });
    return labels;
  }
}
