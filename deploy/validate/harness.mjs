// What both offline checks share (k8s.mjs, ecs.mjs): the command line, HWaaS' own numbers read from
// the product (the facts file hw-e2e's ProductFacts writes from the services' classes, the Dockerfile
// and the Compose file), strict YAML, and the report: one line per problem, naming the object, where,
// what is wrong and the rule, whose broken fixture is named after it.
// Exit 0: every target valid. 1: problems. 2: the check could not run, and why.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "..", "..");

export function cannot(message) {
  console.error(`validate: ${message}`);
  process.exit(2);
}

/** `--rules` (list the rules, one broken fixture each) or `[--facts FILE] [TARGET...]`. */
export function commandLine(rules, defaultTargets) {
  const args = process.argv.slice(2);
  if (args[0] === "--rules") {
    console.log(rules.join("\n"));
    process.exit(0);
  }
  const file = args[0] === "--facts" ? resolve(args[1] || "") : join(repo, "hw-e2e/target/hwaas-facts.json");
  const targets = (args[0] === "--facts" ? args.slice(2) : args).map((t) => resolve(t));
  if (!existsSync(file)) {
    cannot(`no facts file ${file}: the Maven build writes it from the product's own classes`
      + " (./mvnw -q -pl hw-e2e -am test -Dtest=KubernetesManifestsTest), or give --facts FILE");
  }
  if (!existsSync(join(here, "node_modules", "yaml"))) {
    cannot(`the pinned packages are not installed: run "npm ci" in ${here}`);
  }
  return { facts: JSON.parse(readFileSync(file, "utf8")), targets: targets.length ? targets : defaultTargets() };
}

/** Every document of a YAML text; syntax errors, duplicate keys, aliases and unknown tags are errors. */
export const parseYaml = (text, source) => parseAllDocuments(text, { uniqueKeys: true }).map((doc) => {
  const bad = [...doc.errors, ...doc.warnings];
  if (bad.length) {
    throw new Error(`${source}: ${bad.map((e) => e.message).join("; ")}`);
  }
  return doc.toJS({ maxAliasCount: 0 });
}).filter((d) => d !== null && d !== undefined);

/** Checks each target in turn: "ok   NAME: summary", or "FAIL NAME: n problem(s)" and a line each. */
export async function run(targets, check) {
  let failed = false;
  for (const target of targets) {
    const problems = new Set();
    const fail = (rule, where, message) => problems.add(`${where}: ${message} [${rule}]`);
    const report = { fail, expect: (ok, ...problem) => Boolean(ok) || (fail(...problem), false) };
    const name = relative(join(here, ".."), target);
    const summary = await check(target, report).catch((e) => cannot(`${name}: ${e.message}`));
    failed = failed || problems.size > 0;
    console.log(problems.size ? `FAIL ${name}: ${problems.size} problem(s)\n  ${[...problems].join("\n  ")}`
      : `ok   ${name}: ${summary}`);
  }
  process.exit(failed ? 1 : 0);
}
