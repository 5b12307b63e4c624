// Validates HWaaS' Kubernetes manifests offline: renders each kustomization with kubectl, checks
// every object against its schema (Kubernetes, KEDA, Prometheus Operator), unknown fields
// included, then against the policies in lib/policy.mjs.
//
//   node deploy/k8s/validate/validate.mjs              every overlay under deploy/k8s/overlays
//   node deploy/k8s/validate/validate.mjs DIR...       those kustomization directories
//
// Exit 0: all valid. 1: problems, one line each (object, path, what is wrong). 2: it could not
// run (kubectl missing, a kustomization that does not render, node_modules not installed).

import { existsSync, readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const k8sRoot = resolve(here, "..");
const repoRoot = resolve(k8sRoot, "..", "..");

if (!existsSync(join(here, "node_modules", "kubernetes-models"))) {
  console.error(`validate: the schemas are not installed: run "npm ci" in ${relative(process.cwd(), here) || "."}`);
  process.exit(2);
}

const { MissingTool, checkKubectl, renderAll, sources } = await import("./lib/kustomize.mjs");
const { validateObject } = await import("./lib/schema.mjs");
const { checkPolicies } = await import("./lib/policy.mjs");

const overlays = join(k8sRoot, "overlays");
const targets = process.argv.length > 2
  ? process.argv.slice(2).map((d) => resolve(d))
  : readdirSync(overlays).map((d) => join(overlays, d)).filter((d) => statSync(d).isDirectory()).sort();

try {
  checkKubectl();
} catch (e) {
  console.error(`validate: ${e.message}`);
  process.exit(2);
}

// kubectl starts take most of the time: render a few at once, then check in order.
const rendered = await renderAll(targets, availableParallelism() + 1);
let failed = false;
for (const [i, target] of targets.entries()) {
  const name = relative(k8sRoot, target);
  let objects;
  let files;
  try {
    if (rendered[i].error) {
      throw rendered[i].error;
    }
    objects = rendered[i].objects;
    files = sources(target, k8sRoot);
  } catch (e) {
    if (e instanceof MissingTool) {
      console.error(`validate: ${e.message}`);
    } else {
      console.error(`validate: ${name}: ${e.message}`);
    }
    process.exit(2);
  }
  const problems = [];
  for (const obj of objects) {
    for (const p of await validateObject(obj)) {
      problems.push(`${obj.kind}/${obj.metadata && obj.metadata.name} at ${p.path}: ${p.message} [schema]`);
    }
  }
  const report = checkPolicies(objects, { k8sRoot, repoRoot, sources: files });
  for (const p of report.problems) {
    problems.push(`${p.object}${p.path ? ` at ${p.path}` : ""}: ${p.message} [policy]`);
  }
  if (problems.length) {
    failed = true;
    console.log(`FAIL ${name}: ${problems.length} problem(s) in ${objects.length} objects`);
    for (const p of problems) {
      console.log(`  ${p}`);
    }
  } else {
    console.log(`ok   ${name}: ${objects.length} objects valid against their schemas, ${report.checks} policy checks passed`);
  }
}
process.exit(failed ? 1 : 0);
