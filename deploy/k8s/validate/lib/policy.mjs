// Policy checks on one rendered overlay: what the schemas cannot know. Each rule comes from how
// the services behave (docs/kubernetes.md): the health endpoint, the drain times, the queue's
// Redis key, how the worker recovers its peers' jobs, and the restricted Pod Security Standard.
// Every problem names the object, the path in it and what is wrong.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseYamlDocuments } from "./kustomize.mjs";

const WORKER = "hw-worker";
const CLIENT = "hw-client";
const SERVICES = [WORKER, CLIENT];
const HEALTH_PORT = 9400;
const HEALTH_PATH = "/healthz";
const METRICS_PATH = "/metrics";
// SIGTERM drain: a worker at worst 20 s (12 s for blocked consumers, 5 s giving up on an
// unreachable Redis, slack); a client its flush timeout plus 3 s.
const WORKER_DRAIN_SECONDS = 20;
const CLIENT_DRAIN_MARGIN_SECONDS = 3;
const DEFAULT_FLUSH = "5s";
// A crashed worker's jobs come back only through a live peer.
const MIN_WORKERS = 2;
const STARTUP_BUDGET_SECONDS = 30;
const SERVICE_UID = 10001;
const DEFAULT_NAMESPACE = "resque";
const DEFAULT_QUEUE = "hello";
const SENTINEL_PORT = "26379";
const REDIS_PORTS = new Set([6379, 26379]);
const DNS_PORT = 53;
// Pod Security Standards, restricted profile.
const RESTRICTED_VOLUMES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
  "persistentVolumeClaim", "projected", "secret"]);
const RESTRICTED_CAPABILITIES_ADD = new Set(["NET_BIND_SERVICE"]);
// What the services need of Redis, the same as docker-compose.yml.
const REDIS_SETTINGS = [["appendonly", "yes"], ["appendfsync", "everysec"], ["maxmemory-policy", "noeviction"],
  ["proto-max-bulk-len", "1mb"]];
// KEDA's redis and redis-sentinel scalers (pkg/scalers/redis_scaler.go): the trigger metadata and
// TriggerAuthentication parameters they read. Anything else is ignored by KEDA, i.e. a typo.
const RESOLVED_FROM_ENV = ["address", "addresses", "host", "hosts", "port", "ports", "username", "password",
  "sentinelUsername", "sentinelPassword", "sentinelMaster"];
const KEDA_REDIS_METADATA = new Set(["listName", "listLength", "activationListLength", "databaseIndex",
  "enableTLS", "unsafeSsl", ...RESOLVED_FROM_ENV, ...RESOLVED_FROM_ENV.map((n) => `${n}FromEnv`)]);
const KEDA_REDIS_AUTH = new Set(["address", "addresses", "host", "hosts", "port", "ports", "username", "password",
  "sentinelUsername", "sentinelPassword", "sentinelMaster", "tls", "cert", "Cert", "key", "keyPassword", "ca"]);
// The commands KEDA's scaler sends: EVAL of a script that calls TYPE then LLEN, after PING and
// SELECT on connect.
const KEDA_COMMANDS = ["+eval", "+type", "+llen", "+ping"];

class Report {
  constructor() {
    this.problems = [];
    this.checks = 0;
  }

  /** Counts a check; records a problem when ok is false. */
  expect(ok, object, path, message) {
    this.checks++;
    if (!ok) {
      this.problems.push({ object, path, message });
    }
    return ok;
  }

  fail(object, path, message) {
    return this.expect(false, object, path, message);
  }
}

const id = (o) => `${o.kind}/${o.metadata && o.metadata.name}`;
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function matchesSelector(selector, labels) {
  if (!isObject(selector)) {
    return false;
  }
  const l = labels || {};
  for (const [k, v] of Object.entries(selector.matchLabels || {})) {
    if (l[k] !== v) {
      return false;
    }
  }
  for (const e of selector.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const inValues = has && (e.values || []).includes(l[e.key]);
    const ok = e.operator === "In" ? inValues : e.operator === "NotIn" ? !inValues
      : e.operator === "Exists" ? has : e.operator === "DoesNotExist" ? !has : false;
    if (!ok) {
      return false;
    }
  }
  return true;
}

/** Every pod template in the output: its owner, the template, and the JSON path to it. */
function podTemplates(objects) {
  const out = [];
  for (const o of objects) {
    if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(o.kind) && o.spec && o.spec.template) {
      out.push({ owner: o, template: o.spec.template, path: "/spec/template" });
    } else if (o.kind === "CronJob" && o.spec && o.spec.jobTemplate) {
      out.push({ owner: o, template: o.spec.jobTemplate.spec.template, path: "/spec/jobTemplate/spec/template" });
    } else if (o.kind === "Pod") {
      out.push({ owner: o, template: o, path: "" });
    }
  }
  return out;
}

function containersOf(pod) {
  const spec = pod.template.spec || {};
  const out = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    (spec[field] || []).forEach((c, i) => out.push({ container: c, path: `${pod.path}/spec/${field}/${i}` }));
  }
  return out;
}

function parseDuration(text) {
  const m = /^(\d{1,9})(ms|s|m|h)$/.exec(String(text).toLowerCase());
  if (!m) {
    return null;
  }
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
}

function parseQuantity(q) {
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(String(q));
  if (!m) {
    return null;
  }
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, m: 1e-3, k: 1e3, M: 1e6,
    G: 1e9, T: 1e12, P: 1e15, E: 1e18 }[m[2]] || 1;
  return Number(m[1]) * unit;
}

/**
 * A container's environment as Kubernetes expands it: $(NAME) refers to a variable defined
 * earlier in the list, and nothing else. Secret and field references become tokens such as
 * ⟨secret hwaas-redis key host⟩, so that two values fed by the same Secret key compare equal.
 */
function environment(container) {
  const env = new Map();
  const unresolved = [];
  (container.env || []).forEach((e, i) => {
    let value;
    if (e.valueFrom && e.valueFrom.secretKeyRef) {
      value = `⟨secret ${e.valueFrom.secretKeyRef.name} key ${e.valueFrom.secretKeyRef.key}⟩`;
    } else if (e.valueFrom && e.valueFrom.configMapKeyRef) {
      value = `⟨configmap ${e.valueFrom.configMapKeyRef.name} key ${e.valueFrom.configMapKeyRef.key}⟩`;
    } else if (e.valueFrom && e.valueFrom.fieldRef) {
      value = `⟨field ${e.valueFrom.fieldRef.fieldPath}⟩`;
    } else if (e.valueFrom) {
      value = "⟨reference⟩";
    } else {
      value = String(e.value ?? "").replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name) => {
        if (all === "$$") {
          return "$";
        }
        if (env.has(name)) {
          return env.get(name).value;
        }
        unresolved.push({ index: i, variable: e.name, reference: name });
        return all;
      });
    }
    env.set(e.name, { value, index: i, entry: e });
  });
  return { env, unresolved };
}

function parseRedisUrl(text) {
  const m = /^(rediss?):\/\/(?:([^@/]*)@)?(\[[^\]]+\]|[^:/@]+)(?::([^/]*))?(?:\/(.*))?$/.exec(text);
  if (!m) {
    return null;
  }
  const [user, password] = m[2] === undefined ? [undefined, undefined]
    : m[2].includes(":") ? [m[2].slice(0, m[2].indexOf(":")), m[2].slice(m[2].indexOf(":") + 1)] : [undefined, m[2]];
  return { tls: m[1] === "rediss", user: user || undefined, password: password || undefined, host: m[3],
    port: m[4] || "6379", db: m[5] === undefined || m[5] === "" ? "0" : m[5] };
}

function splitHostPort(entry, defaultPort) {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry.trim());
  return m ? `${m[1]}:${m[2] || defaultPort}` : entry.trim();
}

function globToRegExp(glob) {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** The Secret file a path names: the mounted secret volume and the item it is, or why not. */
function secretFile(pod, container, path) {
  const mounts = (container.volumeMounts || []).filter((m) => path.startsWith(`${m.mountPath.replace(/\/$/, "")}/`));
  if (!mounts.length) {
    return { error: `${path} is under no volume mount of the container` };
  }
  const mount = mounts.sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  const volume = ((pod.template.spec || {}).volumes || []).find((v) => v.name === mount.name);
  const rest = path.slice(mount.mountPath.replace(/\/$/, "").length + 1);
  const sources = volume && volume.secret ? [volume.secret]
    : volume && volume.projected ? (volume.projected.sources || []).map((s) => s.secret).filter(Boolean) : [];
  if (!sources.length) {
    return { error: `${path} is on volume "${mount.name}", which is not a Secret` };
  }
  for (const s of sources) {
    const item = (s.items || []).find((it) => it.path === rest);
    if (item) {
      return { secret: s.secretName || s.name, key: item.key, token: `⟨secret ${s.secretName || s.name} key ${item.key}⟩` };
    }
  }
  return { error: `${path}: volume "${mount.name}" has no item with path "${rest}"` };
}

/** The redis-server directives of a container's command line: name -> list of argument lists. */
function redisDirectives(container) {
  const argv = [...(container.command || []), ...(container.args || [])];
  if (!argv.some((a) => /(^|\/)redis-server$/.test(a))) {
    return null;
  }
  const directives = new Map();
  let current = null;
  for (const a of argv) {
    if (a.startsWith("--")) {
      current = [];
      const name = a.slice(2);
      if (!directives.has(name)) {
        directives.set(name, []);
      }
      directives.get(name).push(current);
    } else if (current) {
      current.push(a);
    }
  }
  return directives;
}

function findVariablesFile(repoRoot) {
  const found = [];
  const search = (dir, depth) => {
    if (depth > 8 || !existsSync(dir)) {
      return;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        search(p, depth + 1);
      } else if (entry.name === "variables.txt") {
        found.push(p);
      }
    }
  };
  for (const entry of readdirSync(repoRoot, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.startsWith("hw-")) {
      search(join(repoRoot, entry.name, "src", "main", "resources"), 0);
    }
  }
  return found[0] || null;
}

/** HWAAS_* variables the product reads (variables.txt, the services' own list) and who reads them. */
function knownVariables(repoRoot) {
  const file = findVariablesFile(repoRoot);
  if (!file) {
    return null;
  }
  const known = new Map();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const t = line.trim();
    if (t && !t.startsWith("#")) {
      const [name, reader] = t.split(/\s+/);
      known.set(name, reader || "services");
    }
  }
  return known;
}

/** The (Secret, key) pairs docs/kubernetes.md documents: table rows starting | `secret` | `key` |. */
function documentedSecretKeys(docsFile) {
  if (!existsSync(docsFile)) {
    return null;
  }
  const keys = new Set();
  for (const line of readFileSync(docsFile, "utf8").split("\n")) {
    const m = /^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|/.exec(line);
    if (m) {
      keys.add(`${m[1]}\u0000${m[2]}`);
    }
  }
  return keys;
}

function imageEntries(k8sRoot) {
  const file = join(k8sRoot, "components", "images", "kustomization.yaml");
  const k = parseYamlDocuments(readFileSync(file, "utf8"), file)[0] || {};
  return (k.images || []).map((e) => ({ ...e,
    rendered: `${e.newName || e.name}${e.digest ? `@${e.digest}` : e.newTag ? `:${e.newTag}` : ""}` }));
}

/** Every "image" value in a source document, including JSON 6902 patch operations. */
function imagesIn(value, path, out) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => imagesIn(v, `${path}/${i}`, out));
  } else if (isObject(value)) {
    if (typeof value.op === "string" && typeof value.path === "string") {
      if (/\/image$/.test(value.path) && typeof value.value === "string") {
        out.push({ path: value.path, image: value.value });
      } else {
        imagesIn(value.value, value.path, out);
      }
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (k === "image" && typeof v === "string") {
        out.push({ path: `${path}/image`, image: v });
      } else {
        imagesIn(v, `${path}/${k}`, out);
      }
    }
  }
}

/**
 * Runs every policy check on the objects rendered from target. context: k8sRoot (deploy/k8s),
 * repoRoot, sources (from kustomize.sources).
 */
export function checkPolicies(objects, context) {
  const r = new Report();
  const pods = podTemplates(objects);
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const named = (kind, name) => objects.find((o) => o.kind === kind && o.metadata && o.metadata.name === name);

  // --- Namespace: restricted Pod Security, and everything in it. ---------------------------
  const namespaces = byKind("Namespace");
  let namespace = null;
  if (r.expect(namespaces.length === 1, "Namespace", "", `expected exactly one Namespace, found ${namespaces.length}`)) {
    const ns = namespaces[0];
    namespace = ns.metadata.name;
    for (const mode of ["enforce", "audit", "warn"]) {
      const label = `pod-security.kubernetes.io/${mode}`;
      const value = (ns.metadata.labels || {})[label];
      r.expect(value === "restricted", id(ns), `/metadata/labels/${label}`, `must be "restricted", is ${JSON.stringify(value)}`);
    }
    for (const o of objects) {
      if (o.kind !== "Namespace") {
        r.expect(o.metadata.namespace === namespace, id(o), "/metadata/namespace",
          `must be ${namespace}, is ${JSON.stringify(o.metadata.namespace)}`);
      }
    }
  }
  for (const o of byKind("Secret")) {
    r.fail(id(o), "", "a Secret in the manifests would put credentials in git; create it with kubectl (docs/kubernetes.md)");
  }

  // --- Every pod: restricted Pod Security, resources, /tmp, no service account token. ---------
  for (const pod of pods) {
    const o = id(pod.owner);
    const spec = pod.template.spec || {};
    const psc = spec.securityContext || {};
    const base = `${pod.path}/spec`;
    for (const f of ["hostNetwork", "hostPID", "hostIPC"]) {
      r.expect(spec[f] !== true, o, `${base}/${f}`, "must not be true (restricted Pod Security)");
    }
    r.expect(spec.automountServiceAccountToken === false, o, `${base}/automountServiceAccountToken`,
      `must be false: the services never call the Kubernetes API; is ${JSON.stringify(spec.automountServiceAccountToken)}`);
    (spec.volumes || []).forEach((v, i) => {
      const type = Object.keys(v).find((k) => k !== "name");
      r.expect(RESTRICTED_VOLUMES.has(type), o, `${base}/volumes/${i}/${type}`,
        `volume type "${type}" is not allowed by restricted Pod Security (allowed: ${[...RESTRICTED_VOLUMES].join(", ")})`);
      if (v.secret) {
        r.expect(Array.isArray(v.secret.items) && v.secret.items.length > 0, o, `${base}/volumes/${i}/secret/items`,
          "must list the keys it mounts, so that every Secret key in use is named (and documented)");
        r.expect(typeof v.secret.defaultMode === "number" && (v.secret.defaultMode & 0o007) === 0, o,
          `${base}/volumes/${i}/secret/defaultMode`, `must not be readable by others (e.g. 288 = 0440), is ${JSON.stringify(v.secret.defaultMode)}`);
      }
    });
    r.expect(psc.runAsNonRoot === true, o, `${base}/securityContext/runAsNonRoot`,
      `must be true (restricted Pod Security); is ${JSON.stringify(psc.runAsNonRoot)}`);
    r.expect(psc.runAsUser !== 0, o, `${base}/securityContext/runAsUser`, "must not be 0 (restricted Pod Security)");
    const podSeccomp = psc.seccompProfile && psc.seccompProfile.type;
    r.expect(podSeccomp === "RuntimeDefault" || podSeccomp === "Localhost", o, `${base}/securityContext/seccompProfile/type`,
      `must be RuntimeDefault (restricted Pod Security); is ${JSON.stringify(podSeccomp)}`);
    r.expect(!psc.sysctls, o, `${base}/securityContext/sysctls`, "no sysctls: nothing here needs one");
    const service = pod.owner.kind === "Deployment" && SERVICES.includes(pod.owner.metadata.name);
    if (service) {
      r.expect(psc.runAsUser === SERVICE_UID, o, `${base}/securityContext/runAsUser`,
        `must be ${SERVICE_UID}, the images' user; is ${JSON.stringify(psc.runAsUser)}`);
    }
    for (const { container: c, path } of containersOf(pod)) {
      const sc = c.securityContext || {};
      const where = `${path}/securityContext`;
      r.expect(sc.allowPrivilegeEscalation === false, o, `${where}/allowPrivilegeEscalation`,
        `must be false (restricted Pod Security); is ${sc.allowPrivilegeEscalation === undefined ? "not set" : JSON.stringify(sc.allowPrivilegeEscalation)}`);
      r.expect(sc.privileged !== true, o, `${where}/privileged`, "must not be true (restricted Pod Security)");
      r.expect(sc.readOnlyRootFilesystem === true, o, `${where}/readOnlyRootFilesystem`,
        `must be true: the images need no writable root; is ${sc.readOnlyRootFilesystem === undefined ? "not set" : JSON.stringify(sc.readOnlyRootFilesystem)}`);
      r.expect(sc.runAsNonRoot === true, o, `${where}/runAsNonRoot`,
        `must be true (restricted Pod Security); is ${sc.runAsNonRoot === undefined ? "not set" : JSON.stringify(sc.runAsNonRoot)}`);
      r.expect(sc.runAsUser !== 0, o, `${where}/runAsUser`, "must not be 0 (restricted Pod Security)");
      const drop = (sc.capabilities && sc.capabilities.drop) || [];
      r.expect(drop.includes("ALL"), o, `${where}/capabilities/drop`,
        `must include ALL (restricted Pod Security); is ${JSON.stringify(drop)}`);
      const add = (sc.capabilities && sc.capabilities.add) || [];
      r.expect(add.every((a) => RESTRICTED_CAPABILITIES_ADD.has(a)), o, `${where}/capabilities/add`,
        `may only add NET_BIND_SERVICE (restricted Pod Security); adds ${JSON.stringify(add)}`);
      const seccomp = sc.seccompProfile && sc.seccompProfile.type;
      r.expect(seccomp === "RuntimeDefault" || seccomp === "Localhost", o, `${where}/seccompProfile/type`,
        `must be RuntimeDefault (restricted Pod Security); is ${seccomp === undefined ? "not set" : JSON.stringify(seccomp)}`);
      if (service) {
        r.expect(sc.runAsUser === SERVICE_UID, o, `${where}/runAsUser`, `must be ${SERVICE_UID}; is ${JSON.stringify(sc.runAsUser)}`);
      }
      (c.ports || []).forEach((p, i) => r.expect(!p.hostPort, o, `${path}/ports/${i}/hostPort`, "no host ports (restricted Pod Security)"));
      const res = c.resources || {};
      for (const kind of ["requests", "limits"]) {
        for (const what of ["cpu", "memory"]) {
          r.expect(res[kind] && res[kind][what] !== undefined, o, `${path}/resources/${kind}/${what}`, "must be set");
        }
      }
      const request = res.requests && parseQuantity(res.requests.memory);
      const limit = res.limits && parseQuantity(res.limits.memory);
      if (request !== null && request !== undefined && limit !== null && limit !== undefined) {
        r.expect(request <= limit, o, `${path}/resources/requests/memory`,
          `${res.requests.memory} exceeds the limit ${res.limits.memory}`);
      }
      const tmp = (c.volumeMounts || []).find((m) => m.mountPath === "/tmp");
      const tmpVolume = tmp && (spec.volumes || []).find((v) => v.name === tmp.name);
      r.expect(Boolean(tmpVolume && tmpVolume.emptyDir && tmpVolume.emptyDir.medium === "Memory" && tmpVolume.emptyDir.sizeLimit),
        o, `${path}/volumeMounts`, "/tmp must be an emptyDir with medium Memory and a sizeLimit (the root file system is read-only)");
    }
  }

  // --- The two services: probes, drain, environment. --------------------------------------
  const known = knownVariables(context.repoRoot);
  r.expect(known !== null, "variables.txt", "", `no hw-*/src/main/resources/**/variables.txt under ${context.repoRoot}`);
  const docs = documentedSecretKeys(join(context.repoRoot, "docs", "kubernetes.md"));
  r.expect(docs !== null, "docs/kubernetes.md", "", "missing: the Secret keys must be documented there");
  const svc = {};
  for (const name of SERVICES) {
    const d = named("Deployment", name);
    if (!r.expect(Boolean(d), `Deployment/${name}`, "", "missing")) {
      continue;
    }
    const pod = pods.find((p) => p.owner === d);
    const index = ((d.spec.template.spec || {}).containers || []).findIndex((c) => c.name === name);
    if (!r.expect(index >= 0, id(d), "/spec/template/spec/containers", `no container named ${name}`)) {
      continue;
    }
    const c = d.spec.template.spec.containers[index];
    const path = `/spec/template/spec/containers/${index}`;
    const { env, unresolved } = environment(c);
    svc[name] = { deployment: d, pod, container: c, path, env };
    for (const u of unresolved) {
      r.fail(id(d), `${path}/env/${u.index}`, `${u.variable} refers to $(${u.reference}), which is not defined before it in env, so Kubernetes leaves it unexpanded`);
    }
    for (const [n, e] of env) {
      if (n.startsWith("HWAAS_") && known) {
        const reader = known.get(n);
        r.expect(reader === "services" || reader === name.slice(3), id(d), `${path}/env/${e.index}`,
          reader ? `${n} is read by ${reader}, not by ${name}` : `${n} is not a variable HWaaS reads (variables.txt)`);
      }
    }
    r.expect(env.has("REDIS_URL"), id(d), `${path}/env`, "REDIS_URL must be set (the default is localhost)");
    for (const secret of ["HWAAS_REDIS_PASSWORD", "HWAAS_REDIS_SENTINEL_PASSWORD"]) {
      r.expect(!env.has(secret) || Boolean(env.get(secret).entry.valueFrom), id(d),
        `${path}/env/${env.has(secret) ? env.get(secret).index : ""}`, `${secret} must come from a Secret, not a literal`);
      r.expect(!(env.has(secret) && env.has(`${secret}_FILE`)), id(d), `${path}/env/${env.has(secret) ? env.get(secret).index : ""}`,
        `${secret} and ${secret}_FILE are both set: the service refuses to start (exit 78)`);
    }
    const metricsPort = env.has("HWAAS_METRICS_PORT") ? env.get("HWAAS_METRICS_PORT").value : String(HEALTH_PORT);
    r.expect(metricsPort === String(HEALTH_PORT), id(d), `${path}/env`, `HWAAS_METRICS_PORT must be ${HEALTH_PORT}, is ${metricsPort}`);
    const ports = c.ports || [];
    r.expect(ports.some((p) => p.containerPort === HEALTH_PORT), id(d), `${path}/ports`, `must declare containerPort ${HEALTH_PORT}`);
    const resolvePort = (port) => (typeof port === "number" ? port : (ports.find((p) => p.name === port) || {}).containerPort);
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      const p = c[probe];
      if (!r.expect(Boolean(p && p.httpGet), id(d), `${path}/${probe}`, "must be an httpGet probe of /healthz")) {
        continue;
      }
      r.expect(p.httpGet.path === HEALTH_PATH, id(d), `${path}/${probe}/httpGet/path`, `must be ${HEALTH_PATH}, is ${JSON.stringify(p.httpGet.path)}`);
      r.expect(resolvePort(p.httpGet.port) === HEALTH_PORT, id(d), `${path}/${probe}/httpGet/port`,
        `must be the health port ${HEALTH_PORT}, is ${JSON.stringify(p.httpGet.port)}${typeof p.httpGet.port === "string" ? ` (= ${resolvePort(p.httpGet.port)})` : ""}`);
    }
    if (c.startupProbe) {
      const s = c.startupProbe;
      const budget = (s.initialDelaySeconds || 0) + (s.periodSeconds || 10) * (s.failureThreshold || 3);
      r.expect(budget >= STARTUP_BUDGET_SECONDS, id(d), `${path}/startupProbe`,
        `allows ${budget} s to start; allow at least ${STARTUP_BUDGET_SECONDS} s`);
    }
    const grace = d.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    let drain = WORKER_DRAIN_SECONDS;
    let why = "a worker drains in at most 20 s";
    if (name === CLIENT) {
      const flush = env.has("HWAAS_CLIENT_FLUSH_TIMEOUT") ? env.get("HWAAS_CLIENT_FLUSH_TIMEOUT").value : DEFAULT_FLUSH;
      const seconds = parseDuration(flush);
      r.expect(seconds !== null, id(d), `${path}/env`, `HWAAS_CLIENT_FLUSH_TIMEOUT ${JSON.stringify(flush)} is not a duration`);
      drain = (seconds || 0) + CLIENT_DRAIN_MARGIN_SECONDS;
      why = `a client drains in HWAAS_CLIENT_FLUSH_TIMEOUT (${flush}) + ${CLIENT_DRAIN_MARGIN_SECONDS} s`;
    }
    r.expect(grace >= drain, id(d), "/spec/template/spec/terminationGracePeriodSeconds",
      `${grace} s is shorter than the drain: ${why} = ${drain} s; the kubelet would SIGKILL it mid-drain`);
    for (const variable of ["HWAAS_REDIS_PASSWORD_FILE", "HWAAS_REDIS_SENTINEL_PASSWORD_FILE", "HWAAS_REDIS_CA_FILE"]) {
      if (env.has(variable)) {
        const file = secretFile(pod, c, env.get(variable).value);
        svc[name][variable] = file;
        r.expect(!file.error, id(d), `${path}/env/${env.get(variable).index}`, `${variable}: ${file.error}`);
      }
    }
    if (name === CLIENT) {
      const dir = env.has("HWAAS_CLIENT_LEDGER_DIR") ? env.get("HWAAS_CLIENT_LEDGER_DIR").value : null;
      const mount = dir && (c.volumeMounts || []).find((m) => m.mountPath === dir);
      const volume = mount && (d.spec.template.spec.volumes || []).find((v) => v.name === mount.name);
      r.expect(Boolean(volume && volume.emptyDir && !mount.readOnly), id(d), `${path}/env`,
        "HWAAS_CLIENT_LEDGER_DIR must be the writable mount of an emptyDir (it outlives container restarts)");
    }
  }

  // Worker and client must meet on the same Redis list, or hellos are enqueued where nobody reads.
  const setting = (s, n, fallback) => (s.env.has(n) ? s.env.get(n).value : fallback);
  let queue = null;
  if (svc[WORKER] && svc[CLIENT]) {
    for (const [n, fallback] of [["REDIS_URL", undefined], ["HWAAS_NAMESPACE", DEFAULT_NAMESPACE], ["HWAAS_QUEUE", DEFAULT_QUEUE],
      ["HWAAS_REDIS_SENTINELS", undefined], ["HWAAS_REDIS_WAIT_REPLICAS", "0"]]) {
      const w = setting(svc[WORKER], n, fallback);
      const c = setting(svc[CLIENT], n, fallback);
      r.expect(w === c, `Deployment/${CLIENT}`, `${svc[CLIENT].path}/env`, `${n} is ${JSON.stringify(c)} but the worker's is ${JSON.stringify(w)}`);
    }
  }
  if (svc[WORKER]) {
    const w = svc[WORKER];
    const url = w.env.has("REDIS_URL") ? parseRedisUrl(w.env.get("REDIS_URL").value) : null;
    r.expect(Boolean(url), id(w.deployment), `${w.path}/env`, `REDIS_URL ${w.env.has("REDIS_URL") ? JSON.stringify(w.env.get("REDIS_URL").value) : ""} is not redis[s]://[[user]:password@]host[:port][/db]`);
    if (url) {
      r.expect(!url.password, id(w.deployment), `${w.path}/env`, "REDIS_URL must not carry a password: use HWAAS_REDIS_PASSWORD_FILE");
    }
    queue = { url, list: `${setting(w, "HWAAS_NAMESPACE", DEFAULT_NAMESPACE)}:queue:${setting(w, "HWAAS_QUEUE", DEFAULT_QUEUE)}`,
      sentinels: w.env.has("HWAAS_REDIS_SENTINELS") ? w.env.get("HWAAS_REDIS_SENTINELS").value : null,
      password: w.HWAAS_REDIS_PASSWORD_FILE, sentinelPassword: w.HWAAS_REDIS_SENTINEL_PASSWORD_FILE, ca: w.HWAAS_REDIS_CA_FILE };
  }

  // --- PodDisruptionBudget for the workers. -----------------------------------------------
  const workerPod = svc[WORKER] && svc[WORKER].pod;
  const pdbs = byKind("PodDisruptionBudget").filter((p) => workerPod && matchesSelector(p.spec.selector, workerPod.template.metadata.labels));
  r.expect(pdbs.length === 1, `Deployment/${WORKER}`, "", `exactly one PodDisruptionBudget must select the worker pods; ${pdbs.length} do (${byKind("PodDisruptionBudget").map(id).join(", ") || "none exists"})`);
  for (const p of pdbs) {
    for (const other of pods.filter((x) => x !== workerPod)) {
      r.expect(!matchesSelector(p.spec.selector, other.template.metadata.labels), id(p), "/spec/selector", `also selects the pods of ${id(other.owner)}`);
    }
  }
  for (const p of byKind("PodDisruptionBudget")) {
    r.expect(pods.some((x) => matchesSelector(p.spec.selector, x.template.metadata.labels)), id(p), "/spec/selector",
      `selects no pod template in the output (labels of ${id(workerPod ? workerPod.owner : { kind: "Deployment", metadata: { name: WORKER } })}: ${JSON.stringify(workerPod ? workerPod.template.metadata.labels : {})})`);
  }

  // --- KEDA: ScaledObject and TriggerAuthentication. --------------------------------------
  const scaled = byKind("ScaledObject");
  r.expect(scaled.length === 1, "ScaledObject", "", `expected exactly one ScaledObject (for ${WORKER}), found ${scaled.length}`);
  for (const so of scaled) {
    const o = id(so);
    const ref = so.spec.scaleTargetRef || {};
    const target = objects.find((x) => x.kind === (ref.kind || "Deployment") && x.metadata.name === ref.name);
    r.expect((ref.kind || "Deployment") === "Deployment" && (ref.apiVersion || "apps/v1") === "apps/v1" && ref.name === WORKER && Boolean(target),
      o, "/spec/scaleTargetRef", `must name Deployment ${WORKER} in this output; names ${ref.kind || "Deployment"} ${JSON.stringify(ref.name)}${target ? "" : ", which does not exist here"}`);
    const min = so.spec.minReplicaCount ?? 0;
    r.expect(min >= MIN_WORKERS, o, "/spec/minReplicaCount",
      `must be at least ${MIN_WORKERS}: a crashed worker's jobs come back only through a live peer; is ${min}`);
    r.expect((so.spec.maxReplicaCount ?? 100) >= min, o, "/spec/maxReplicaCount", "must not be below minReplicaCount");
    const triggers = so.spec.triggers || [];
    if (!r.expect(triggers.length === 1, o, "/spec/triggers", `expected one trigger on the queue, found ${triggers.length}`)) {
      continue;
    }
    const t = triggers[0];
    const tp = "/spec/triggers/0";
    const md = t.metadata || {};
    const sentinel = Boolean(queue && queue.sentinels);
    const wantType = sentinel ? "redis-sentinel" : "redis";
    r.expect(t.type === wantType, o, `${tp}/type`, `must be ${wantType} (${sentinel ? "HWAAS_REDIS_SENTINELS is set" : "no HWAAS_REDIS_SENTINELS"}), is ${JSON.stringify(t.type)}`);
    for (const k of Object.keys(md)) {
      r.expect(KEDA_REDIS_METADATA.has(k), o, `${tp}/metadata/${k}`, `KEDA's redis scaler has no parameter "${k}" (it would be ignored)`);
    }
    for (const k of ["listName", "databaseIndex", "listLength", "activationListLength"]) {
      r.expect(md[k] !== undefined, o, `${tp}/metadata/${k}`, "must be set (KEDA's defaults do not fit: database 0, 5 per replica)");
    }
    for (const k of ["listLength", "activationListLength", "databaseIndex"]) {
      if (md[k] !== undefined) {
        r.expect(/^\d+$/.test(md[k]), o, `${tp}/metadata/${k}`, `must be a whole number, is ${JSON.stringify(md[k])}`);
      }
    }
    if (md.listLength && md.activationListLength) {
      r.expect(Number(md.activationListLength) < Number(md.listLength), o, `${tp}/metadata/activationListLength`, "must be below listLength");
    }
    const auth = t.authenticationRef && named("TriggerAuthentication", t.authenticationRef.name);
    r.expect(Boolean(auth) && (t.authenticationRef.kind || "TriggerAuthentication") === "TriggerAuthentication", o, `${tp}/authenticationRef`,
      `must name a TriggerAuthentication in this output; names ${JSON.stringify(t.authenticationRef)}`);
    const params = new Map();
    if (auth) {
      (auth.spec.secretTargetRef || []).forEach((s, i) => {
        r.expect(KEDA_REDIS_AUTH.has(s.parameter), id(auth), `/spec/secretTargetRef/${i}/parameter`, `KEDA's redis scaler has no authentication parameter "${s.parameter}"`);
        params.set(s.parameter, `⟨secret ${s.name} key ${s.key}⟩`);
      });
      r.expect(params.has("password"), id(auth), "/spec/secretTargetRef", "must give KEDA a password: Redis requires one");
    }
    const value = (name) => (md[name] !== undefined ? md[name] : params.get(name));
    if (!queue) {
      continue;
    }
    r.expect(md.listName === queue.list, o, `${tp}/metadata/listName`,
      `is ${JSON.stringify(md.listName)} but ${WORKER} takes jobs from ${queue.list} (HWAAS_NAMESPACE:queue:HWAAS_QUEUE)`);
    if (!queue.url) {
      continue;
    }
    r.expect(md.databaseIndex === queue.url.db, o, `${tp}/metadata/databaseIndex`,
      `is ${JSON.stringify(md.databaseIndex)} but REDIS_URL of ${WORKER} uses database ${queue.url.db}`);
    const tls = md.enableTLS === "true" || params.has("tls");
    r.expect(tls === queue.url.tls, o, `${tp}/metadata`, queue.url.tls ? "REDIS_URL is rediss:// (TLS): set enableTLS: \"true\"" : "REDIS_URL is redis:// (no TLS) but KEDA is told to use TLS");
    if (queue.ca && !queue.ca.error) {
      r.expect(params.get("ca") === queue.ca.token, auth ? id(auth) : o, "/spec/secretTargetRef",
        `KEDA must trust the same CA as the services (${queue.ca.secret}/${queue.ca.key}); its ca is ${params.get("ca") || "not set"}`);
    }
    if (sentinel) {
      const want = new Set(queue.sentinels.split(",").map((s) => splitHostPort(s, SENTINEL_PORT)));
      const addresses = value("addresses") || value("address");
      const got = new Set(String(addresses || "").split(",").filter(Boolean).map((s) => splitHostPort(s, SENTINEL_PORT)));
      r.expect(want.size === got.size && [...want].every((x) => got.has(x)), o, `${tp}/metadata/addresses`,
        `must be the Sentinels of HWAAS_REDIS_SENTINELS (${[...want].join(",")}), is ${JSON.stringify(addresses)}`);
      r.expect(value("sentinelMaster") === queue.url.host, o, `${tp}/metadata/sentinelMaster`,
        `must be the master set in REDIS_URL (${queue.url.host}), is ${JSON.stringify(value("sentinelMaster"))}`);
      if (queue.sentinelPassword && !queue.sentinelPassword.error) {
        r.expect(params.get("sentinelPassword") === queue.sentinelPassword.token, auth ? id(auth) : o, "/spec/secretTargetRef",
          `sentinelPassword must be the services' ${queue.sentinelPassword.secret}/${queue.sentinelPassword.key}`);
      }
    } else {
      let host = value("host");
      let port = value("port");
      const address = value("address") || value("addresses");
      if (address) {
        [host, port] = splitHostPort(String(address).split(",")[0], "6379").split(/:(?=[^:]*$)/);
      }
      const service = objects.find((x) => x.kind === "Service" && x.metadata.name === queue.url.host);
      const names = service ? [`${queue.url.host}.${namespace}`, `${queue.url.host}.${namespace}.svc`, `${queue.url.host}.${namespace}.svc.cluster.local`]
        : [queue.url.host];
      r.expect(names.includes(host), o, `${tp}/metadata`,
        `KEDA must ask the services' Redis, ${names.join(" or ")}${service ? " (KEDA runs in its own namespace, so the Service name needs its namespace)" : ""}; it asks ${JSON.stringify(host)}`);
      r.expect(String(port || "6379") === queue.url.port, o, `${tp}/metadata`, `port ${JSON.stringify(port)} is not REDIS_URL's ${queue.url.port}`);
    }
  }

  // --- The bundled Redis: settings, storage, its Service, and KEDA's ACL user. --------------
  for (const pod of pods) {
    for (const { container: c, path } of containersOf(pod)) {
      const directives = redisDirectives(c);
      if (!directives) {
        continue;
      }
      const o = id(pod.owner);
      const args = `${path}/args`;
      const one = (n) => (directives.get(n) || [])[0] || [];
      for (const [n, v] of REDIS_SETTINGS) {
        r.expect(one(n).join(" ") === v, o, args, `--${n} must be ${v}, is ${one(n).length ? one(n).join(" ") : "not set"}`);
      }
      r.expect(one("requirepass").length === 1, o, args, "--requirepass must be set: HWaaS needs a password on Redis");
      const { env } = environment(c);
      const expand = (s) => s.replace(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, n) => (env.has(n) ? env.get(n).value : all));
      if (queue && queue.password && !queue.password.error && one("requirepass").length) {
        r.expect(expand(one("requirepass")[0]) === queue.password.token, o, args,
          `--requirepass must come from the services' ${queue.password.secret}/${queue.password.key}, comes from ${expand(one("requirepass")[0])}`);
      }
      const dir = one("dir")[0];
      const dataMount = (c.volumeMounts || []).find((m) => m.mountPath === dir);
      const claims = pod.owner.kind === "StatefulSet" ? (pod.owner.spec.volumeClaimTemplates || []).map((v) => v.metadata.name) : [];
      r.expect(Boolean(dataMount && claims.includes(dataMount.name)), o, args,
        `--dir ${dir} must be the mount of a volumeClaimTemplate, so that the AOF outlives the pod`);
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        const cmd = ((c[probe] && c[probe].exec && c[probe].exec.command) || []).join(" ");
        r.expect(cmd.includes("redis-cli") && cmd.includes("REDISCLI_AUTH") && cmd.includes("ping"), o, `${path}/${probe}`,
          "must ping with redis-cli, authenticated (REDISCLI_AUTH)");
      }
      if (pod.owner.kind === "StatefulSet") {
        const service = named("Service", pod.owner.spec.serviceName);
        r.expect(Boolean(service && service.spec.clusterIP === "None" && matchesSelector({ matchLabels: service.spec.selector }, pod.template.metadata.labels)),
          o, "/spec/serviceName", `must name a headless Service in this output that selects its pods; is ${JSON.stringify(pod.owner.spec.serviceName)}`);
        if (queue && queue.url && !queue.sentinels) {
          r.expect(queue.url.host === pod.owner.spec.serviceName, `Deployment/${WORKER}`, `${svc[WORKER].path}/env`,
            `REDIS_URL's host ${queue.url.host} is not the bundled Redis' Service ${pod.owner.spec.serviceName}`);
        }
      }
      for (const user of directives.get("user") || []) {
        const [name, ...rules] = user;
        const so = scaled[0];
        const t = so && (so.spec.triggers || [])[0];
        const auth = t && t.authenticationRef && named("TriggerAuthentication", t.authenticationRef.name);
        const kedaUser = t && ((t.metadata || {}).username
          || ((auth && auth.spec.secretTargetRef) || []).filter((s) => s.parameter === "username").map((s) => `⟨secret ${s.name} key ${s.key}⟩`)[0]);
        if (name !== kedaUser) {
          continue;
        }
        const patterns = rules.filter((x) => x.startsWith("~")).map((x) => globToRegExp(x.slice(1)));
        if (queue) {
          r.expect(patterns.some((p) => p.test(queue.list)), o, args, `ACL user ${name} (KEDA's) cannot read ${queue.list}: its keys are ${rules.filter((x) => x.startsWith("~") || x.startsWith("%")).join(" ") || "none"}`);
        }
        for (const cmd of KEDA_COMMANDS) {
          r.expect(rules.includes(cmd), o, args, `ACL user ${name} (KEDA's) needs ${cmd}: KEDA's scaler runs it`);
        }
        if (queue && queue.url && queue.url.db !== "0") {
          r.expect(rules.includes("+select"), o, args, `ACL user ${name} (KEDA's) needs +select for database ${queue.url.db}`);
        }
        const password = rules.filter((x) => x.startsWith(">")).map((x) => expand(x.slice(1)))[0];
        const kedaPassword = ((auth && auth.spec.secretTargetRef) || []).filter((s) => s.parameter === "password").map((s) => `⟨secret ${s.name} key ${s.key}⟩`)[0];
        r.expect(password === kedaPassword, o, args, `ACL user ${name}'s password comes from ${password}, KEDA's from ${kedaPassword}`);
      }
    }
  }

  // --- A Sentinel deployment installed from a values file next to an overlay. --------------
  for (const f of context.sources.filter((s) => s.role === "kustomization")) {
    const values = join(context.k8sRoot, dirname(f.file), "bitnami-values.yaml");
    if (!existsSync(values) || !queue || !queue.url) {
      continue;
    }
    const v = parseYamlDocuments(readFileSync(values, "utf8"), values)[0] || {};
    const where = `${dirname(f.file)}/bitnami-values.yaml`;
    const lines = new Map(String(v.commonConfiguration || "").split("\n").map((l) => l.trim().split(/\s+/)).filter((l) => l[0])
      .map(([k, ...rest]) => [k, rest.join(" ")]));
    for (const [n, val] of REDIS_SETTINGS) {
      r.expect(lines.get(n) === val, where, "/commonConfiguration", `must set ${n} ${val}, sets ${JSON.stringify(lines.get(n))}`);
    }
    r.expect(Boolean(v.sentinel && v.sentinel.enabled), where, "/sentinel/enabled", "must be true");
    r.expect(Boolean(v.sentinel && v.sentinel.masterSet === queue.url.host), where, "/sentinel/masterSet",
      `must be REDIS_URL's master set name ${queue.url.host}, is ${JSON.stringify(v.sentinel && v.sentinel.masterSet)}`);
    if (queue.password && !queue.password.error) {
      r.expect(Boolean(v.auth && v.auth.existingSecret === queue.password.secret && v.auth.existingSecretPasswordKey === queue.password.key),
        where, "/auth", `must use the services' password, Secret ${queue.password.secret} key ${queue.password.key}`);
    }
  }

  // --- Secret keys: each one named in a manifest is documented. ---------------------------
  const secretRefs = [];
  for (const pod of pods) {
    for (const { container: c, path } of containersOf(pod)) {
      (c.env || []).forEach((e, i) => {
        if (e.valueFrom && e.valueFrom.secretKeyRef) {
          secretRefs.push({ object: id(pod.owner), path: `${path}/env/${i}`, ...e.valueFrom.secretKeyRef });
        }
      });
      (c.envFrom || []).forEach((e, i) => {
        r.expect(!e.secretRef, id(pod.owner), `${path}/envFrom/${i}`, "envFrom a Secret hides which keys are used: name each key");
      });
    }
    ((pod.template.spec || {}).volumes || []).forEach((v, i) => {
      const sources = v.secret ? [[v.secret, "secret"]]
        : v.projected ? (v.projected.sources || []).map((s, k) => [s.secret, `projected/sources/${k}/secret`]).filter(([s]) => s) : [];
      for (const [s, at] of sources) {
        (s.items || []).forEach((it, j) => secretRefs.push({ object: id(pod.owner), path: `${pod.path}/spec/volumes/${i}/${at}/items/${j}`,
          name: s.secretName || s.name, key: it.key }));
      }
    });
  }
  for (const a of byKind("TriggerAuthentication")) {
    (a.spec.secretTargetRef || []).forEach((s, i) => secretRefs.push({ object: id(a), path: `/spec/secretTargetRef/${i}`, name: s.name, key: s.key }));
  }
  if (docs) {
    for (const s of secretRefs) {
      r.expect(docs.has(`${s.name}\u0000${s.key}`), s.object, s.path,
        `Secret ${s.name} key ${s.key} is not documented in docs/kubernetes.md (a "| \`${s.name}\` | \`${s.key}\` |" row of the Secret keys table)`);
    }
  }

  // --- Images: set only by the images component. -------------------------------------------
  const entries = imageEntries(context.k8sRoot);
  for (const pod of pods) {
    for (const { container: c, path } of containersOf(pod)) {
      r.expect(entries.some((e) => e.rendered === c.image), id(pod.owner), `${path}/image`,
        `${JSON.stringify(c.image)} is not set by deploy/k8s/components/images (it renders ${entries.map((e) => e.rendered).join(", ")})`);
    }
  }
  for (const f of context.sources) {
    if (f.role === "kustomization") {
      const k = f.docs[0] || {};
      r.expect(!k.images || f.file === join("components", "images", "kustomization.yaml"), f.file, "/images",
        "images are set in deploy/k8s/components/images only");
      continue;
    }
    const found = [];
    f.docs.forEach((doc, i) => imagesIn(doc, f.docs.length > 1 ? `/${i}` : "", found));
    for (const x of found) {
      r.expect(entries.some((e) => e.name === x.image), f.file, x.path,
        `image ${JSON.stringify(x.image)}: name the image by its placeholder (${entries.map((e) => e.name).join(", ")}) and set name and tag in deploy/k8s/components/images`);
    }
  }
  for (const e of entries.filter((x) => x.name === "redis" && x.newTag)) {
    const major = Number((/^(\d+)/.exec(e.newTag) || [])[1]);
    r.expect(major >= 7, "components/images/kustomization.yaml", "/images", `Redis ${e.newTag}: HWaaS needs Redis 7.0 or later`);
  }

  // --- NetworkPolicy: every pod isolated; the services reach Redis and DNS only. -----------
  const policies = byKind("NetworkPolicy");
  const resolveNamed = (pod, port) => {
    if (typeof port === "number") {
      return port;
    }
    for (const { container: c } of containersOf(pod)) {
      const p = (c.ports || []).find((x) => x.name === port);
      if (p) {
        return p.containerPort;
      }
    }
    return port;
  };
  for (const pod of pods) {
    const selecting = policies.filter((p) => matchesSelector(p.spec.podSelector, pod.template.metadata.labels));
    for (const type of ["Ingress", "Egress"]) {
      r.expect(selecting.some((p) => (p.spec.policyTypes || ["Ingress"]).includes(type)), id(pod.owner), "",
        `no NetworkPolicy with policyType ${type} selects its pods, so its ${type.toLowerCase()} is open`);
    }
    if (!(pod.owner.kind === "Deployment" && SERVICES.includes(pod.owner.metadata.name))) {
      continue;
    }
    let redis = false;
    for (const p of selecting) {
      (p.spec.ingress || []).forEach((rule, i) => {
        const ports = rule.ports || [];
        r.expect((rule.from || []).length > 0 && ports.length > 0 && ports.every((x) => resolveNamed(pod, x.port) === HEALTH_PORT),
          id(p), `/spec/ingress/${i}`, `lets ${pod.owner.metadata.name} be reached on more than port ${HEALTH_PORT} from named peers`);
      });
      (p.spec.egress || []).forEach((rule, i) => {
        const ports = rule.ports || [];
        const ok = (rule.to || []).length > 0 && ports.length > 0
          && ports.every((x) => x.port === DNS_PORT || (REDIS_PORTS.has(x.port) && (x.protocol || "TCP") === "TCP"));
        r.expect(ok, id(p), `/spec/egress/${i}`,
          `lets ${pod.owner.metadata.name} reach more than Redis (${[...REDIS_PORTS].join(", ")}) and DNS (${DNS_PORT}) at named peers`);
        redis = redis || ports.some((x) => REDIS_PORTS.has(x.port));
      });
    }
    r.expect(redis, id(pod.owner), "", "no NetworkPolicy lets its pods reach Redis (6379 or 26379)");
  }

  // --- PodMonitor: Prometheus finds both services' /metrics. ------------------------------
  const monitors = byKind("PodMonitor");
  for (const name of SERVICES) {
    const s = svc[name];
    if (!s) {
      continue;
    }
    const m = monitors.filter((x) => matchesSelector(x.spec.selector, s.pod.template.metadata.labels));
    r.expect(m.length >= 1, `Deployment/${name}`, "", "no PodMonitor selects its pods");
    for (const x of m) {
      (x.spec.podMetricsEndpoints || []).forEach((e, i) => {
        r.expect(resolveNamed(s.pod, e.port) === HEALTH_PORT && (e.path || METRICS_PATH) === METRICS_PATH, id(x), `/spec/podMetricsEndpoints/${i}`,
          `must scrape ${METRICS_PATH} on port ${HEALTH_PORT} of ${name}; scrapes ${e.path || METRICS_PATH} on ${JSON.stringify(e.port)}`);
      });
    }
  }
  return r;
}
