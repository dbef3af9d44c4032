package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.rootfs.ScratchSpace;
import dev.cnbfarm.image.sandbox.Sandbox;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.time.Duration;

/** What instruction steps use: the sandbox, scratch space, layer making, the cache. Immutable. */
record StepTools(Sandbox sandbox, ScratchSpace scratch, LayerMaker layers, LayerCache cache, Reporter reporter,
    Duration timeLimit) {}
