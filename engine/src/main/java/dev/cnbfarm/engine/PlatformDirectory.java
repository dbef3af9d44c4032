package dev.cnbfarm.engine;

import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.SparseLayout;
import dev.cnbfarm.image.dockerfile.SparseLayoutWriter;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.extend.DockerfileStep;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.extend.ExtendPlan;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.platform.Analyzed;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.Plan;
import java.io.IOException;
import java.nio.file.Files;
import dev.cnbfarm.lifecycle.export.ExportReport;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link PlatformFiles} as files on this machine, at the paths the lifecycle commands resolved
 * ({@code -group}, {@code -plan}, {@code -analyzed}, {@code -generated}, {@code -extended}, {@code -report}).
 * Immutable; not safe for two phases writing the same paths at once.
 */
public record PlatformDirectory(Path group, Path plan, Path analyzed, Path generated, Path extended, Path report)
    implements PlatformFiles {

  @Override
  public Group readGroup() {
    return Group.read(group);
  }

  @Override
  public void writeGroup(Group value) {
    value.write(group);
  }

  @Override
  public Plan readPlan() {
    return Plan.read(plan);
  }

  @Override
  public void writePlan(Plan value) {
    value.write(plan);
  }

  @Override
  public Analyzed readAnalyzed() {
    return Analyzed.read(analyzed);
  }

  @Override
  public void writeAnalyzed(Analyzed value) {
    value.write(analyzed);
  }

  @Override
  public Path generatedDir() {
    return generated;
  }

  @Override
  public List<Path> clearGenerated() {
    if (!Files.isDirectory(generated)) {
      return List.of();
    }
    try (var children = Files.list(generated)) {
      List<Path> removed = children.toList();
      removed.forEach(FileTrees::deleteQuietly);
      return removed;
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.GENERATE_ERROR, "cannot clear " + generated + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<DockerfileStep> dockerfiles(ApiVersion platformApi, Group groupValue, ExtendKind kind, Path appDir) {
    return ExtendPlan.collect(platformApi, generated, groupValue, kind, appDir);
  }

  @Override
  public Path extendedDir() {
    return extended;
  }

  @Override
  public void writeReport(ExportReport value) {
    value.write(report);
  }

  @Override
  public SparseLayout writeExtendedRun(Image base, ImageState state, List<String> layerOwners) {
    return new SparseLayoutWriter().write(extended, base, state, layerOwners);
  }
}
