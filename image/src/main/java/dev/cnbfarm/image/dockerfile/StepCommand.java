package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.lifecycle.dockerfile.Instruction;

/**
 * One Dockerfile instruction's effect on the image being built (the kaniko idiom: one small class
 * per instruction). Implementations are stateless.
 */
interface StepCommand {
  void apply(Instruction instruction, BuildState state, StepTools tools);
}
