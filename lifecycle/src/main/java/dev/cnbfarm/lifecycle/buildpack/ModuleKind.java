package dev.cnbfarm.lifecycle.buildpack;

/** The two kinds of CNB modules. Immutable. */
public enum ModuleKind {
  BUILDPACK("buildpack", "buildpack.toml", "CNB_BUILDPACK_DIR"),
  EXTENSION("extension", "extension.toml", "CNB_EXTENSION_DIR");

  private final String label;
  private final String descriptorFile;
  private final String dirVariable;

  ModuleKind(String label, String descriptorFile, String dirVariable) {
    this.label = label;
    this.descriptorFile = descriptorFile;
    this.dirVariable = dirVariable;
  }

  /** {@code buildpack} or {@code extension}, as the spec's TOML tables name them. */
  public String label() {
    return label;
  }

  public String descriptorFile() {
    return descriptorFile;
  }

  /** The env var that gives the module its own root directory. */
  public String dirVariable() {
    return dirVariable;
  }
}
