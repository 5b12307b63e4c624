package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.config.Variables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README is a front page, every link in the documentation leads somewhere, and every variable is documented. */
class DocsTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_NAME = Pattern.compile("`((?:HWAAS_|REDIS_)[A-Z0-9_]+)`");

    private static List<Path> pages() throws IOException {
        Path root = Repository.root();
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /**
     * Docs in proportion: a page a reader finishes. Bytes, so that a page cannot grow back past
     * its limit unnoticed: the README 10 KB, kubernetes.md 10 KB, swarm.md 6 KB, any other page
     * 12 KB, docs/ in all 90 KB.
     */
    @Test
    void everyPageFitsItsLimitAndTheDocsTheirs() throws Exception {
        Map<String, Long> limits = Map.of("README.md", 10_000L, "kubernetes.md", 10_000L, "swarm.md", 6_000L);
        List<String> over = new ArrayList<>();
        long docs = 0;
        for (Path page : pages()) {
            long size = Files.size(page);
            String name = page.getFileName().toString();
            if (page.getParent().getFileName().toString().equals("docs")) {
                docs += size;
            }
            long limit = limits.getOrDefault(name, 12_000L);
            if (size > limit) {
                over.add(Repository.root().relativize(page) + ": " + size + " bytes, limit " + limit);
            }
        }
        assertThat(over).as("pages over their size limit").isEmpty();
        assertThat(docs).as("docs/*.md in bytes, in all").isLessThanOrEqualTo(90_000L);
    }

    @Test
    void everyRelativeLinkLeadsToAFile() throws Exception {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("#")) {
                    continue;
                }
                Path file = page.getParent().resolve(target.replaceFirst("#.*", "")).normalize();
                if (!Files.exists(file)) {
                    broken.add(Repository.root().relativize(page) + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to nothing").isEmpty();
    }

    @Test
    void everyVariableIsDocumentedAndNothingElse() throws Exception {
        String reference = Files.readString(Repository.root().resolve("docs/configuration.md"));
        Set<String> documented = new TreeSet<>();
        for (String line : reference.lines().filter(l -> l.startsWith("| `")).toList()) {
            Matcher m = CODE_NAME.matcher(line.substring(0, line.indexOf('|', 1)));
            while (m.find()) {
                documented.add(m.group(1));
            }
        }
        assertThat(documented).as("variables in docs/configuration.md's tables")
                .containsAll(Variables.known().keySet());
        assertThat(Variables.known().keySet()).as("variables the product reads (variables.txt)")
                .containsAll(documented);
    }
}
