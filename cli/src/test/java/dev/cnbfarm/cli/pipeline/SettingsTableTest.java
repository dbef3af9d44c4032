package dev.cnbfarm.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.runtime.settings.Setting;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's one settings table lists every key the workers declare (style.md §6). */
class SettingsTableTest {
  @Test
  void theReadmeSettingsTableListsEveryWorkerSetting() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    String table = readme.substring(readme.indexOf("## Settings: cnbfarm's environment variables"));

    for (Setting<?> setting : WorkerSettings.settings()) {
      assertThat(table).as("README settings table").contains("| `" + setting.env() + "` |");
    }
    assertThat(table).contains("| `CNBFARM_KAFKA_<NAME>` |");
  }
}
