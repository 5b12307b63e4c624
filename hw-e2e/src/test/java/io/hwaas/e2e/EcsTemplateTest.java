package io.hwaas.e2e;

import io.hwaas.common.testing.Command;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The ECS CloudFormation template {@code deploy/ecs/hwaas.yaml}, checked offline by
 * {@code deploy/validate/ecs.mjs} (the CloudFormation resource specification, references, HWaaS' own
 * rules on the product's numbers), and every rule failing its broken fixture under
 * {@code deploy/ecs/broken}. Nothing here reaches AWS.
 */
class EcsTemplateTest {
    private static DeployCheck check;

    @BeforeAll
    static void install() throws IOException, InterruptedException {
        check = new DeployCheck("ecs.mjs", Repository.root().resolve("deploy").resolve("ecs").resolve("broken")).install();
    }

    @Test
    void theTemplatePasses() throws IOException, InterruptedException {
        Command.Result result = check.check(List.of(), Map.of());

        assertThat(result.exit()).as("ecs.mjs passes deploy/ecs/hwaas.yaml\n%s", result.describe()).isZero();
        assertThat(result.out()).as("ecs.mjs reports the template as valid").startsWith("ok   ecs/hwaas.yaml: ");
    }

    @TestFactory
    Stream<DynamicTest> everyRuleFailsItsBrokenFixture() throws IOException, InterruptedException {
        return check.everyRuleFails();
    }

    @Test
    void aShortFormTagIsRefusedNotMisread() throws IOException, InterruptedException {
        // "!Ref X" would parse as the plain string "X" in a YAML reader that ignores tags, and every
        // reference check would pass over it: the template is written in the long form, and a tag stops the check.
        Path template = Files.createTempFile("hwaas-ecs", ".yaml");
        try {
            Files.writeString(template, "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n"
                    + "      LogGroupName: !Ref AWS::StackName\n", StandardCharsets.UTF_8);

            Command.Result result = check.check(List.of(template.toString()), Map.of());

            assertThat(result.exit()).as("ecs.mjs on a short-form tag exits 2 (could not read it)\n%s", result.describe())
                    .isEqualTo(2);
            assertThat(result.err()).as("ecs.mjs names the tag it cannot read").contains("!Ref");
        } finally {
            Files.delete(template);
        }
    }
}
