package dev.cnbfarm.lifecycle.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VariableExpanderTest {
  private static final Map<String, String> VARS =
      Map.of("a", "A", "b", "B", "empty", "", "base_image", "registry/run@sha256:abc");

  @CsvSource(
      delimiter = '|',
      value = {
        "$a                  | A",
        "${a}                | A",
        "x${a}_y             | xA_y",
        "$a/$b               | A/B",
        "${base_image}       | registry/run@sha256:abc",
        "$unknown            | ''",
        "${unknown}z         | z",
        "${a:-d}             | A",
        "${unknown:-d}       | d",
        "${empty:-d}         | d",
        "${empty-d}          | ''",
        "${unknown-d}        | d",
        "${a:+alt}           | alt",
        "${empty:+alt}       | ''",
        "${empty+alt}        | alt",
        "${unknown+alt}      | ''",
        "${unknown:-${b}}    | B",
        "${unknown:-x${b}y}  | xBy",
        "${unknown:-${none:-deep}} | deep",
        "\\$a                | $a",
        "\\${a}              | ${a}",
        "$                   | $",
        "a$-b                | a$-b",
        "\"$a b\"            | A b",
        "\"\\$a\"            | $a",
        "\"c:\\dir\"         | c:\\dir",
        "a\\ b               | a b",
        "${a:?must be set}   | A",
      })
  @ParameterizedTest
  void expandsLikeBuildKit(String text, String expected) {
    assertThat(VariableExpander.expand(text, VARS, '\\')).isEqualTo(expected);
  }

  @Test
  void backtickEscapeLeavesBackslashLiteral() {
    assertThat(VariableExpander.expand("C:\\app\\`$a$a", VARS, '`')).isEqualTo("C:\\app\\$aA");
  }

  @Test
  void singleQuotesKeepTextLiteralAsBuildKitDoes() {
    // BuildKit's lexer takes single-quoted text as-is; quotes themselves are removed.
    assertThat(VariableExpander.expand("'$a'", VARS, '\\')).isEqualTo("$a");
    assertThat(VariableExpander.expand("pre'${a} \\x'post", VARS, '\\'))
        .isEqualTo("pre${a} \\xpost");
  }

  @Test
  void unterminatedQuoteRunsToTheEnd() {
    assertThat(VariableExpander.expand("'$a", VARS, '\\')).isEqualTo("$a");
    assertThat(VariableExpander.expand("\"$a", VARS, '\\')).isEqualTo("A");
  }

  @CsvSource(
      delimiter = '|',
      value = {
        "${a                 | bad substitution in \"${a\": missing '}'",
        "${}                 | bad substitution in \"${}\": missing or invalid variable name",
        "${a%b}              | bad substitution in \"${a%b}\": unsupported modifier (%)",
        "${unknown:?no base} | unknown: no base",
        "${unknown?}         | unknown: is not allowed to be unset",
      })
  @ParameterizedTest
  void rejectsBadSubstitutions(String text, String message) {
    assertThatThrownBy(() -> VariableExpander.expand(text, VARS, '\\'))
        .isInstanceOf(InvalidDockerfileException.class)
        .hasMessage(message);
  }
}
