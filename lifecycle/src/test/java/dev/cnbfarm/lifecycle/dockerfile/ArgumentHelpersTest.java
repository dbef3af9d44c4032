package dev.cnbfarm.lifecycle.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ENV/LABEL pairs, ARG declarations, COPY/ADD paths, USER and FROM parts. */
class ArgumentHelpersTest {
  private static final String LABEL = "run.Dockerfile";

  private static Dockerfile parse(String body) {
    return DockerfileParser.parse("FROM x\n" + body + "\n", LABEL);
  }

  private static Instruction second(Dockerfile df) {
    return df.instructions().get(1);
  }

  private static List<KeyValue> pairs(String line) {
    Dockerfile df = parse(line);
    return KeyValue.parseAll(df, second(df));
  }

  @Test
  void readsEnvPairsKeepingQuotesUntilExpanded() {
    List<KeyValue> pairs = pairs("ENV k=v k2=\"v 2\" k3=a\\ b k4=");

    assertThat(pairs)
        .containsExactly(
            KeyValue.of("k", "v"),
            KeyValue.of("k2", "\"v 2\""),
            KeyValue.of("k3", "a\\ b"),
            KeyValue.of("k4", ""));
    assertThat(pairs)
        .extracting(p -> p.expanded(Map.of(), '\\'))
        .containsExactly(
            KeyValue.of("k", "v"),
            KeyValue.of("k2", "v 2"),
            KeyValue.of("k3", "a b"),
            KeyValue.of("k4", ""));
  }

  @Test
  void readsLegacyEnvFormAsOnePairWithTheRestOfTheLine() {
    assertThat(pairs("ENV k v with  spaces")).containsExactly(KeyValue.of("k", "v with  spaces"));
    assertThat(pairs("ENV ONE TWO= THREE=world"))
        .containsExactly(KeyValue.of("ONE", "TWO= THREE=world"));
  }

  @Test
  void readsQuotedLabelKeysAndExpandsValues() {
    KeyValue pair = pairs("LABEL \"com.example.vendor\"=\"ACME ${who}\"").get(0);

    assertThat(pair.expanded(Map.of("who", "Inc"), '\\'))
        .isEqualTo(KeyValue.of("com.example.vendor", "ACME Inc"));
  }

  @Test
  void continuedEnvInstructionYieldsAllPairs() {
    Dockerfile df = DockerfileParser.parse("FROM x\nENV a=1 \\\n    b=2\n", LABEL);

    assertThat(KeyValue.parseAll(df, second(df)))
        .containsExactly(KeyValue.of("a", "1"), KeyValue.of("b", "2"));
  }

  @CsvSource(
      delimiter = '|',
      value = {
        "ENV k                | ENV must have two arguments",
        "ENV a=1 b            | can't find = in \"b\" (want name=value)",
        "ENV a=1 =2           | ENV names can not be blank",
        "LABEL =x             | LABEL names can not be blank",
      })
  @ParameterizedTest
  void rejectsMalformedPairsNamingTheLine(String line, String message) {
    assertThatThrownBy(() -> pairs(line))
        .isInstanceOf(InvalidDockerfileException.class)
        .hasMessage(LABEL + ": dockerfile parse error on line 2: " + message);
  }

  @Test
  void readsArgDeclarationsWithAndWithoutDefaults() {
    Dockerfile df = parse("ARG a b=1 c= d=\"x y\"");

    assertThat(ArgDeclaration.parseAll(df, second(df)))
        .containsExactly(
            ArgDeclaration.of("a"),
            ArgDeclaration.of("b", "1"),
            ArgDeclaration.of("c", ""),
            ArgDeclaration.of("d", "\"x y\""));
    assertThat(ArgDeclaration.of("a").defaultValue()).isEmpty();
    assertThat(ArgDeclaration.of("c", "").defaultValue()).contains("");
  }

  @Test
  void rejectsArgWithBlankName() {
    Dockerfile df = parse("ARG =1");

    assertThatThrownBy(() -> ArgDeclaration.parseAll(df, second(df)))
        .hasMessage(LABEL + ": dockerfile parse error on line 2: ARG names can not be blank");
  }

  @CsvSource(
      delimiter = '|',
      value = {
        "COPY a /dst                          | [a]          | /dst",
        "COPY --chown=1:1 a b  /dst/           | [a, b]       | /dst/",
        "ADD --from=${base_image} /etc/x /y    | [/etc/x]     | /y",
        "COPY [\"a b\", \"c\", \"/d e/\"]      | [a b, c]     | /d e/",
      })
  @ParameterizedTest
  void readsCopySourcesAndDestinationInShellAndJsonForm(String line, String sources, String dst) {
    Dockerfile df = parse(line);

    CopyPaths paths = CopyPaths.parse(df, second(df));
    assertThat(paths.sources().toString()).isEqualTo(sources);
    assertThat(paths.destination()).isEqualTo(dst);
  }

  @Test
  void rejectsCopyWithOnePath() {
    Dockerfile df = parse("COPY --from=x /a");

    assertThatThrownBy(() -> CopyPaths.parse(df, second(df)))
        .hasMessage(
            LABEL + ": dockerfile parse error on line 2: COPY requires at least two arguments");
  }

  @CsvSource(
      delimiter = '|',
      value = {
        "USER root                          | root | ''",
        "USER 1000:1000                     | 1000 | 1000",
        "USER ${user_id}:${group_id}        | 1001 | 1002",
        "USER ${none:-1000}:${none:-2000}   | 1000 | 2000",
        "USER $user_id                      | 1001 | ''",
      })
  @ParameterizedTest
  void resolvesUserAndGroupAfterExpansion(String line, String user, String group) {
    Dockerfile df = parse(line);

    UserSpec spec = UserSpec.resolve(df, second(df), Map.of("user_id", "1001", "group_id", "1002"));
    assertThat(spec).isEqualTo(new UserSpec(user, group));
    assertThat(spec.groupIfSet().isPresent()).isEqualTo(!group.isEmpty());
  }

  @Test
  void rejectsUserThatExpandsToNothing() {
    Dockerfile df = parse("USER ${nobody}");

    assertThatThrownBy(() -> UserSpec.resolve(df, second(df), Map.of()))
        .hasMessage(
            LABEL + ": dockerfile parse error on line 2: USER expands to no user: ${nobody}");
  }

  @Test
  void splitsImageConfigUserOnFirstColon() {
    assertThat(UserSpec.parse("cnb:cnb")).isEqualTo(new UserSpec("cnb", "cnb"));
    assertThat(UserSpec.parse("1000").groupIfSet()).isEmpty();
  }

  @CsvSource(
      delimiter = '|',
      value = {
        "FROM img                               | img  | ''    | ''",
        "FROM img AS build                      | img  | build | ''",
        "FROM --platform=linux/arm64 img as b   | img  | b     | linux/arm64",
      })
  @ParameterizedTest
  void readsFromImageStageNameAndPlatform(String line, String image, String name, String platform) {
    Dockerfile df = DockerfileParser.parse(line, LABEL);

    assertThat(FromSpec.parse(df, df.instructions().get(0)))
        .isEqualTo(new FromSpec(image, name, platform));
  }

  @Test
  void rejectsFromWithTwoWords() {
    Dockerfile df = DockerfileParser.parse("FROM img extra", LABEL);

    assertThatThrownBy(() -> FromSpec.parse(df, df.instructions().get(0)))
        .hasMessage(
            LABEL
                + ": dockerfile parse error on line 1: FROM requires either one or three"
                + " arguments");
  }
}
