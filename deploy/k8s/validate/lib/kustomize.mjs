// Rendering with kubectl's built-in kustomize, and the source files behind a rendering (the
// image rule is about what the sources say, which the rendered output no longer shows).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

/** A tool this script needs is not installed: the caller reports it and exits 2. */
export class MissingTool extends Error {}

/** Parses a multi-document YAML text; duplicate keys and syntax errors are errors, not warnings. */
export function parseYamlDocuments(text, source) {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out = [];
  for (const doc of list) {
    if (doc.errors.length) {
      throw new Error(`${source}: ${doc.errors.map((e) => e.message).join("; ")}`);
    }
    const value = doc.toJS({ maxAliasCount: 0 });
    if (value !== null && value !== undefined) {
      out.push(value);
    }
  }
  return out;
}

const MIN_KUBECTL_MINOR = 27;
const NO_KUBECTL = "kubectl is not on PATH. It renders the kustomize tree (kubectl 1.27 or later has "
  + "kustomize v5 built in): install kubectl, or put it on PATH, and run this again.";

/**
 * Fails unless kubectl is there and new enough: before 1.21 its built-in kustomize was v2.0.3,
 * which cannot read components or labels and would fail with a confusing parse error.
 */
export function checkKubectl() {
  const result = spawnSync("kubectl", ["version", "--client", "-o", "json"], { encoding: "utf8" });
  if (result.error && result.error.code === "ENOENT") {
    throw new MissingTool(NO_KUBECTL);
  }
  let version = null;
  try {
    version = JSON.parse(result.stdout);
  } catch {
    // Reported below with what kubectl said.
  }
  const client = version && version.clientVersion;
  const minor = client ? parseInt(client.minor, 10) : NaN;
  if (!client || client.major !== "1" || !(minor >= MIN_KUBECTL_MINOR)) {
    throw new MissingTool(`kubectl ${client ? client.gitVersion : `(version unknown: ${(result.stderr || result.stdout || "").trim()})`}`
      + ` is too old: these manifests need kubectl 1.${MIN_KUBECTL_MINOR} or later, whose built-in kustomize (v5) reads`
      + " components and labels (Debian 12's kubernetes-client package is 1.20, with kustomize v2.0.3).");
  }
  return `${client.gitVersion}, kustomize ${version.kustomizeVersion || "unknown"}`;
}

/** `kubectl kustomize dir`, parsed. */
export function render(dir) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("kubectl", ["kustomize", dir], { stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", (e) => reject(e.code === "ENOENT"
      ? new MissingTool(NO_KUBECTL) : e));
    child.on("close", (status) => {
      if (status !== 0) {
        reject(new Error(`kubectl kustomize ${dir} failed (exit ${status}):\n${Buffer.concat(err).toString("utf8").trim()}`));
        return;
      }
      try {
        resolvePromise(parseYamlDocuments(Buffer.concat(out).toString("utf8"), `kubectl kustomize ${dir}`));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** Renders every directory, a few kubectl processes at a time; results in the order given. */
export async function renderAll(dirs, parallel) {
  const results = new Array(dirs.length);
  let next = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const i = next++;
      results[i] = await render(dirs[i]).then((objects) => ({ objects }), (error) => ({ error }));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, dirs.length)) }, worker));
  return results;
}

function kustomizationFile(dir) {
  for (const name of ["kustomization.yaml", "kustomization.yml", "Kustomization"]) {
    const f = join(dir, name);
    if (existsSync(f)) {
      return f;
    }
  }
  return null;
}

/**
 * Every file the kustomization in dir draws on, recursively: kustomization files (with their
 * parsed content), resource files and patches (each with its parsed documents). Remote bases
 * are refused: they cannot be rendered offline and would escape review.
 */
export function sources(dir, root) {
  const files = [];
  const seen = new Set();
  const rel = (f) => relative(root, f) || ".";
  const addFile = (file, role) => {
    if (seen.has(file)) {
      return;
    }
    seen.add(file);
    files.push({ file: rel(file), role, docs: parseYamlDocuments(readFileSync(file, "utf8"), rel(file)) });
  };
  const walk = (d) => {
    const kfile = kustomizationFile(d);
    if (!kfile) {
      throw new Error(`${rel(d)} has no kustomization.yaml`);
    }
    if (seen.has(kfile)) {
      return;
    }
    addFile(kfile, "kustomization");
    const k = files[files.length - 1].docs[0] || {};
    const entry = (p) => {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.startsWith("github.com/")) {
        throw new Error(`${rel(kfile)}: remote resource ${p} cannot be validated offline`);
      }
      return resolve(d, p);
    };
    for (const r of [...(k.resources || []), ...(k.bases || []), ...(k.components || [])]) {
      const p = entry(r);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else {
        addFile(p, "resource");
      }
    }
    for (const p of [...(k.patches || []), ...(k.patchesJson6902 || [])]) {
      if (p.path) {
        addFile(entry(p.path), "patch");
      } else if (typeof p.patch === "string") {
        files.push({ file: `${rel(kfile)} (inline patch)`, role: "patch", docs: parseYamlDocuments(p.patch, rel(kfile)) });
      }
    }
    for (const p of k.patchesStrategicMerge || []) {
      if (typeof p === "string" && !p.includes("\n")) {
        addFile(entry(p), "patch");
      } else {
        files.push({ file: `${rel(kfile)} (inline patch)`, role: "patch", docs: parseYamlDocuments(String(p), rel(kfile)) });
      }
    }
  };
  walk(resolve(dir));
  return files;
}
