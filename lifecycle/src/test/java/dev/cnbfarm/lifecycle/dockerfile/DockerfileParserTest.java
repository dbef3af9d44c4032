package dev.cnbfarm.lifecycle.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DockerfileParserTest {
  private static final String LABEL = "/layers/generated/samples_vim/build.Dockerfile";

  private static Dockerfile parse(String text) {
    return DockerfileParser.parse(text, LABEL);
  }

  @Test
  void readsKeywordsArgumentsAndFirstLineNumbers() {
    Dockerfile df = parse("ARG base_image=0\n\nfrom ${base_image}\n  run  apt-get update  \n");

    assertThat(df.label()).isEqualTo(LABEL);
    assertThat(df.escape()).isEqualTo('\\');
    assertThat(df.instructions())
        .extracting(Instruction::keyword, Instruction::arguments, Instruction::line)
        .containsExactly(
            tuple("ARG", "base_image=0", 1),
            tuple("FROM", "${base_image}", 3),
            tuple("RUN", "apt-get update", 4));
  }

  @Test
  void joinsContinuationLinesAndKeepsTheFirstLineNumber() {
    Dockerfile df =
        parse("FROM x\nRUN apt-get update && \\\n    apt-get install -y vim\nUSER 1000\n");

    Instruction run = df.instructions().get(1);
    assertThat(run.arguments()).isEqualTo("apt-get update &&     apt-get install -y vim");
    assertThat(run.line()).isEqualTo(2);
    assertThat(df.instructions().get(2).line()).isEqualTo(4);
  }

  @Test
  void toleratesBlanksAfterTheContinuationCharacter() {
    Dockerfile df = parse("FROM x\nRUN a \\   \t\n  b\n");

    assertThat(df.instructions().get(1).arguments()).isEqualTo("a   b");
  }

  @Test
  void skipsCommentsAndBlankLinesInsideAContinuedInstruction() {
    Dockerfile df = parse("FROM x\nRUN a \\\n  # a comment\n\n  && b\nENV k=v\n");

    assertThat(df.instructions())
        .extracting(Instruction::keyword)
        .containsExactly("FROM", "RUN", "ENV");
    assertThat(df.instructions().get(1).arguments()).isEqualTo("a   && b");
    assertThat(df.instructions().get(2).line()).isEqualTo(6);
  }

  @Test
  void endsAContinuedInstructionAtTheEndOfTheFile() {
    Dockerfile df = parse("FROM x\nRUN a \\");

    assertThat(df.instructions().get(1).arguments()).isEqualTo("a");
  }

  @Test
  void honoursBacktickEscapeDirective() {
    Dockerfile df = parse("# escape=`\nFROM x\nCOPY . C:\\app\\\nRUN dir `\n  /w\n");

    assertThat(df.escape()).isEqualTo('`');
    assertThat(df.instructions().get(1).arguments()).isEqualTo(". C:\\app\\");
    assertThat(df.instructions().get(2).arguments()).isEqualTo("dir   /w");
    assertThat(df.instructions().get(2).line()).isEqualTo(4);
  }

  @Test
  void acceptsSyntaxDirectiveAndCaseInsensitiveDirectiveNames() {
    Dockerfile df = parse("# syntax=docker/dockerfile:1\n# ESCAPE = `\nFROM x\n");

    assertThat(df.escape()).isEqualTo('`');
  }

  @Test
  void ignoresEscapeDirectiveAfterAComment() {
    Dockerfile df = parse("# hello\n# escape=`\nFROM x\n");

    assertThat(df.escape()).isEqualTo('\\');
  }

  @Test
  void rejectsInvalidEscapeToken() {
    assertThatThrownBy(() -> parse("# escape=/\nFROM x\n"))
        .hasMessage(
            LABEL
                + ": dockerfile parse error on line 1: invalid escape token '/' does not match"
                + " [`\\]");
  }

  @Test
  void readsExecFormAsJsonArray() {
    Dockerfile df = parse("FROM x\nRUN [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\"]\nRUN echo [x]\n");

    Instruction exec = df.instructions().get(1);
    assertThat(exec.execForm()).isTrue();
    assertThat(exec.execArgs()).containsExactly("/bin/sh", "-c", "echo \"hi\"");
    Instruction shell = df.instructions().get(2);
    assertThat(shell.execForm()).isFalse();
    assertThat(shell.execArgs()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"RUN [\"a\", 1]", "RUN [\"a\",", "RUN [a]", "RUN [\"a\"] b"})
  void fallsBackToShellFormWhenTheArrayIsNotJsonStrings(String line) {
    Instruction run = parse("FROM x\n" + line + "\n").instructions().get(1);

    assertThat(run.execForm()).isFalse();
    assertThat(run.arguments()).isEqualTo(line.substring(4));
  }

  @Test
  void doesNotReadEnvValuesAsExecForm() {
    Instruction env = parse("FROM x\nENV a=[\"b\"]\n").instructions().get(1);

    assertThat(env.execForm()).isFalse();
  }

  @Test
  void separatesLeadingFlagsFromArguments() {
    Dockerfile df =
        parse(
            "FROM --platform=linux/amd64 x\n"
                + "COPY --chown=1000:1000 --from=${base_image} --link /a /b\n");

    Instruction from = df.instructions().get(0);
    assertThat(from.flags()).containsExactly(Flag.of("platform", "linux/amd64"));
    assertThat(from.arguments()).isEqualTo("x");
    Instruction copy = df.instructions().get(1);
    assertThat(copy.rawArguments())
        .isEqualTo("--chown=1000:1000 --from=${base_image} --link /a /b");
    assertThat(copy.flags())
        .containsExactly(
            Flag.of("chown", "1000:1000"), Flag.of("from", "${base_image}"), Flag.of("link", ""));
    assertThat(copy.flag("from")).contains("${base_image}");
    assertThat(copy.arguments()).isEqualTo("/a /b");
  }

  @Test
  void readsExecFormAfterFlags() {
    Instruction copy = parse("FROM x\nCOPY --chown=1:1 [\"a b\", \"/c\"]\n").instructions().get(1);

    assertThat(copy.execArgs()).containsExactly("a b", "/c");
  }

  @Test
  void splitsDockerfileIntoGlobalArgsAndStages() {
    Dockerfile df = parse("ARG a\nARG b\nFROM x\nARG c\nRUN r\nFROM y\n");

    assertThat(df.globalArgs()).extracting(Instruction::arguments).containsExactly("a", "b");
    List<Stage> stages = df.stages();
    assertThat(stages).hasSize(2);
    assertThat(stages.get(0).from().arguments()).isEqualTo("x");
    assertThat(stages.get(0).body()).extracting(Instruction::keyword).containsExactly("ARG", "RUN");
    assertThat(stages.get(1).body()).isEmpty();
  }

  @Test
  void stripsByteOrderMarkAndCarriageReturns() {
    Dockerfile df = parse("\uFEFFFROM x\r\nRUN a \\\r\n b\r\n");

    assertThat(df.instructions()).extracting(Instruction::arguments).containsExactly("x", "a  b");
  }

  @CsvSource(
      delimiter = '|',
      value = {
        "FROM x\\n"
            + "FORM y\\n"
            + "                 | dockerfile parse error on line 2: unknown instruction: FORM",
        "FROM x\\n"
            + "\\n"
            + "# c\\n"
            + "bogus y\\n"
            + "       | dockerfile parse error on line 4: unknown instruction: BOGUS",
        "FROM x\\n"
            + "RUN\\n"
            + "                    | dockerfile parse error on line 2: RUN requires at least one"
            + " argument",
        "FROM\\n"
            + "                            | dockerfile parse error on line 1: FROM requires at"
            + " least one argument",
        "FROM x\\n"
            + "COPY --from=y\\n"
            + "          | dockerfile parse error on line 2: COPY requires at least one argument",
        "FROM x\\n"
            + "RUN <<EOF\\n"
            + "echo\\n"
            + "EOF\\n"
            + " | dockerfile parse error on line 2: heredocs (<<EOF) are not supported in RUN",
        "FROM x\\n"
            + "SHELL /bin/bash\\n"
            + "        | dockerfile parse error on line 2: SHELL requires the arguments to be in"
            + " JSON form",
        "RUN a\\n"
            + "FROM x\\n"
            + "                  | dockerfile parse error on line 1: no build stage in current"
            + " context (RUN before the first FROM)",
        "# escape=`\\n"
            + "# escape=`\\n"
            + "FROM x\\n"
            + " | dockerfile parse error on line 2: only one escape parser directive can be used",
        "''                                | file with no instructions",
        "\\n\\n# only a comment\\n           | file with no instructions",
      })
  @ParameterizedTest
  void rejectsInvalidDockerfilesNamingTheFileAndLine(String text, String message) {
    assertThatThrownBy(() -> parse(text.replace("\\n", "\n")))
        .isInstanceOfSatisfying(
            InvalidDockerfileException.class,
            e -> assertThat(e.code()).isEqualTo(FailureCode.GENERATE_ERROR))
        .hasMessage(LABEL + ": " + message);
  }

  @Test
  void acceptsHereStringInRun() {
    Instruction run = parse("FROM x\nRUN cat <<< hello\n").instructions().get(1);

    assertThat(run.arguments()).isEqualTo("cat <<< hello");
  }
}
