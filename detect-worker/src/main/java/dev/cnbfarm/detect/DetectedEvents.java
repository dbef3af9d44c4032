package dev.cnbfarm.detect;

import dev.cnbfarm.engine.detect.GeneratedDockerfile;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.platform.ExtendConfig;
import dev.cnbfarm.lifecycle.platform.Group;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.schemas.AppliedDockerfile;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.DockerfileKind;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.RunImageChoice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The detect worker's one mapper between its domain values and the Avro events (style.md §3: Avro
 * stops at the handler). Stateless.
 */
final class DetectedEvents {
  /** The event kind the detected event's id is derived from. */
  static final String KIND = "detected";

  private DetectedEvents() {}

  /** What detect found, in domain terms, ready to become the event. */
  record Detected(String builderImage, Group group, String planToml, String analyzedToml, String runToml,
      List<Dockerfile> dockerfiles, RunChoice runImage, int buildUid, int buildGid, String generatedDigest) {
    Detected {
      dockerfiles = List.copyOf(dockerfiles);
    }
  }

  /** One generated Dockerfile; {@code contextDigest} is null when its context is the app dir. */
  record Dockerfile(GeneratedDockerfile generated, String contextDigest) {}

  /** The run image after generate. */
  record RunChoice(String reference, String name, boolean switched, boolean extended) {}

  static BuildDetected of(BuildRequested input, Detected d, String producer, Instant now) {
    return BuildDetected.newBuilder()
        .setEventId(EventIds.of(input.getBuildId(), KIND, input.getAttempt()))
        .setBuildId(input.getBuildId())
        .setAttempt(input.getAttempt())
        .setOccurredAt(now)
        .setProducer(producer)
        .setSpec(input.getSpec())
        .setBuilderImage(d.builderImage())
        .setGroup(group(d.group()))
        .setPlanToml(d.planToml())
        .setAnalyzedToml(d.analyzedToml())
        .setRunToml(d.runToml())
        .setDockerfiles(d.dockerfiles().stream().map(DetectedEvents::dockerfile).toList())
        .setRunImage(RunImageChoice.newBuilder()
            .setReference(d.runImage().reference())
            .setName(d.runImage().name())
            .setSwitched(d.runImage().switched())
            .setExtended(d.runImage().extended())
            .build())
        .setBuildUid(d.buildUid())
        .setBuildGid(d.buildGid())
        .setGeneratedDigest(d.generatedDigest())
        .build();
  }

  private static List<GroupModule> group(Group group) {
    List<GroupModule> out = new ArrayList<>();
    group.buildpacks().forEach(e -> out.add(module(e, false)));
    group.extensions().forEach(e -> out.add(module(e, true)));
    return out;
  }

  private static GroupModule module(GroupEntry e, boolean extension) {
    return GroupModule.newBuilder().setId(e.id()).setVersion(e.version()).setApi(nonNull(e.api()))
        .setHomepage(nonNull(e.homepage())).setExtension(extension).build();
  }

  private static AppliedDockerfile dockerfile(Dockerfile d) {
    GeneratedDockerfile g = d.generated();
    Map<String, String> args = new LinkedHashMap<>();
    for (ExtendConfig.BuildArg arg : g.args()) {
      args.put(arg.name(), arg.value());
    }
    return AppliedDockerfile.newBuilder()
        .setExtensionId(g.extensionId())
        .setKind(g.kind() == ExtendKind.BUILD ? DockerfileKind.BUILD : DockerfileKind.RUN)
        .setText(g.text())
        .setArgs(Map.copyOf(args))
        .setContextDigest(d.contextDigest())
        .build();
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
