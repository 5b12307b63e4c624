// Parses a CircleCI configuration with CircleCI's own parser (@circleci/circleci-config-parser,
// which validates every component against the schemas of CircleCI's config SDK and resolves
// references to commands, executors and jobs), offline.
//
//   node .ci/config-check/circleci.mjs FILE...
//
// One line a file: "ok   FILE: " then the configuration as the parser understood it, as JSON
// (references left as names), for CircleCiRules; or "FAIL FILE: " then where and why it was
// rejected. Exit 0: every file parsed. 1: some were rejected. 2: it could not run (no FILE,
// node_modules not installed). Several files in one run: one Node start for all the fixtures.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, "node_modules", "@circleci", "circleci-config-parser"))) {
  console.error(`circleci: the parser is not installed: run "npm ci" in ${here}`);
  process.exit(2);
}
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node circleci.mjs FILE...");
  process.exit(2);
}
const { default: parser } = await import("@circleci/circleci-config-parser");

// The parser reports a failed schema check as "[object Object]": keep the last failure to say
// which property was wrong.
const validate = parser.Validator.validateGenerable;
let lastFailure;
parser.Validator.validateGenerable = function (...args) {
  const result = validate.apply(this, args);
  if (result !== true) {
    lastFailure = result;
  }
  return result;
};

let failed = false;
for (const file of files) {
  lastFailure = undefined;
  try {
    const config = parser.parseConfig(readFileSync(file, "utf8"));
    console.log(`ok   ${file}: ${JSON.stringify(config.generate())}`);
  } catch (e) {
    // "Error while parsing - config/job:it/steps/run" then the reason; YAML errors name the line.
    const [first, ...rest] = e.message.split("\n");
    let message = first;
    if (first.startsWith("Error while parsing - ")) {
      let why = rest.join(" ").trim();
      if (why.startsWith("Failed to validate") && lastFailure?.errors) {
        why = lastFailure.errors.map((err) => `${err.instancePath || "(the component)"} ${err.message}`).join("; ");
      }
      message = `${first.replace("Error while parsing - ", "at ")}: ${why}`;
    }
    console.log(`FAIL ${file}: ${message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
