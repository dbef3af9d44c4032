package dev.cnbfarm.lifecycle.generate;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.RunMetadata;
import dev.cnbfarm.lifecycle.report.Reporter;

/**
 * Applies a {@link RunImageChoice} to analyzed.toml (extensions.md §5.3). PA 0.12+: a switch to
 * another image sets {@code run-image.image}, clears reference and target, and sets {@code extend};
 * a "switch" to the current image is no switch. PA 0.10/0.11: only switches exist and they replace
 * {@code run-image.reference}. An image absent from run.toml is a warning (decisions.md #11).
 * Immutable.
 */
final class RunImageUpdate {
  private final ApiVersion platformApi;
  private final RunMetadata runMetadata;
  private final Reporter reporter;

  RunImageUpdate(ApiVersion platformApi, RunMetadata runMetadata, Reporter reporter) {
    this.platformApi = platformApi;
    this.runMetadata = runMetadata;
    this.reporter = reporter;
  }

  Analyzed apply(Analyzed analyzed, RunImageChoice choice) {
    if (platformApi.lessThan("0.12")) {
      if (choice.extend()) {
        throw new LifecycleException(FailureCode.GENERATE_ERROR, "a run.Dockerfile extends the run image, "
            + "which needs Platform API 0.12 or newer (this build uses " + platformApi + ")");
      }
      return choice.switchTo().map(image -> {
        warnIfUnknown(image);
        return analyzed.withLegacySwitchedRunImage(image);
      }).orElse(analyzed);
    }
    if (choice.switchTo().isPresent() && !choice.newBase().equals(analyzed.runImageName().orElse(""))) {
      warnIfUnknown(choice.newBase());
      reporter.info("Run image switched by extension to " + choice.newBase()
          + (choice.extend() ? " (and extended)" : ""));
      return analyzed.withSwitchedRunImage(choice.newBase(), choice.extend());
    }
    return choice.extend() ? analyzed.withRunImageExtend(true) : analyzed;
  }

  private void warnIfUnknown(String image) {
    if (!runMetadata.contains(image)) {
      reporter.warn("new runtime base image '" + image + "' not found in run metadata");
    }
  }
}
