// Validates HWaaS' Kubernetes manifests offline. Each kustomization is rendered with kubectl; every
// object must match its schema from the pinned kubernetes-models packages, unknown fields included;
// every pod must meet the restricted Pod Security Standard; the services must meet HWaaS' own rules,
// with the numbers read from the product (see harness.mjs).
//
//   node k8s.mjs [--facts FILE] [KUSTOMIZATION_DIR...]      default: every deploy/k8s/overlays/*
//   node k8s.mjs --prometheus-rule      writes deploy/k8s/base/prometheusrule.yaml from the alerts

import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { cannot, commandLine, here, parseYaml, repo, run } from "./harness.mjs";

// The restricted Pod Security Standard, one control each (kubernetes.io/docs/concepts/security/
// pod-security-standards). A test of one argument is about the pod, of two about each container.
const sc = (x) => x.securityContext || {};
const eff = (p, c, field) => sc(c)[field] ?? sc(p)[field];
const VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
const SYSCTLS = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"];
const PROFILES = [undefined, "RuntimeDefault", "Localhost"];
const RESTRICTED = {
  "host-namespaces": [(p) => !p.hostNetwork && !p.hostPID && !p.hostIPC, "hostNetwork, hostPID and hostIPC must be unset or false"],
  "volume-types": [(p) => (p.volumes || []).every((v) => Object.keys(v).every((k) => k === "name" || VOLUMES.includes(k))),
    `volumes must be of the types ${VOLUMES.join(", ")}`],
  sysctls: [(p) => (sc(p).sysctls || []).every((s) => SYSCTLS.includes(s.name)), "only the safe sysctls are allowed"],
  privileged: [(p, c) => !sc(c).privileged && !eff(p, c, "windowsOptions")?.hostProcess, "privileged and hostProcess must be false"],
  "host-ports": [(p, c) => (c.ports || []).every((x) => !x.hostPort), "hostPort must be unset or 0"],
  capabilities: [(p, c) => (sc(c).capabilities?.drop || []).includes("ALL")
    && (sc(c).capabilities?.add || []).every((a) => a === "NET_BIND_SERVICE"), "must drop ALL capabilities, add only NET_BIND_SERVICE"],
  apparmor: [(p, c) => PROFILES.includes(eff(p, c, "appArmorProfile")?.type), "appArmorProfile must be RuntimeDefault or Localhost"],
  selinux: [(p, c) => ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]
    .includes(eff(p, c, "seLinuxOptions")?.type ?? "") && !eff(p, c, "seLinuxOptions")?.user && !eff(p, c, "seLinuxOptions")?.role,
  "seLinuxOptions may set only a container type"],
  "proc-mount": [(p, c) => [undefined, "Default"].includes(sc(c).procMount), "procMount must be Default"],
  seccomp: [(p, c) => PROFILES.slice(1).includes(eff(p, c, "seccompProfile")?.type), "seccompProfile must be RuntimeDefault or Localhost"],
  "privilege-escalation": [(p, c) => sc(c).allowPrivilegeEscalation === false, "allowPrivilegeEscalation must be false"],
  "run-as-non-root": [(p, c) => eff(p, c, "runAsNonRoot") === true, "runAsNonRoot must be true"],
  "run-as-user": [(p, c) => eff(p, c, "runAsUser") !== 0, "runAsUser must not be 0"],
};
const RULES = ["schema", "unknown-field", "unknown-kind", "pod-security-label", ...Object.keys(RESTRICTED), "image-user",
  "read-only-root", "stop-grace", "product-default", "unknown-variable", "health-probe", "redis-password", "no-secret-objects",
  "queue-key", "min-workers", "pod-monitor", "prometheus-rule", "redis-settings"];

const overlays = join(here, "..", "k8s", "overlays");
const ALERTS = join(repo, "monitoring", "prometheus", "alerts.yml");
const alertGroups = () => parseYaml(readFileSync(ALERTS, "utf8"), ALERTS)[0].groups;
if (process.argv[2] === "--prometheus-rule") {
  const rule = { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "hwaas" } };
  writeFileSync(join(overlays, "..", "base", "prometheusrule.yaml"), "# Generated from monitoring/prometheus/alerts.yml by"
    + ` node deploy/validate/k8s.mjs --prometheus-rule: edit the alerts there.\n${stringify({ ...rule, spec: { groups: alertGroups() } },
    { lineWidth: 0 })}`);
  process.exit(0);
}
const { facts, targets } = commandLine(RULES, () => readdirSync(overlays).sort().map((d) => join(overlays, d)));

const version = spawnSync("kubectl", ["version", "--client", "-o", "json"], { encoding: "utf8" });
const client = version.error ? cannot("kubectl is not on PATH. It renders the kustomize tree (kubectl 1.27 or later has"
  + " kustomize v5 built in).") : (() => { try { return JSON.parse(version.stdout).clientVersion; } catch { return null; } })();
if (client?.major !== "1" || !(parseInt(client.minor, 10) >= 27)) {
  cannot(`kubectl ${client?.gitVersion || "(version unknown)"} is too old: these manifests need kubectl 1.27 or later`);
}
const render = (dir) => new Promise((done, failed) => {
  const child = spawn("kubectl", ["kustomize", "--load-restrictor", "LoadRestrictionsNone", dir]);
  const [out, err] = [[], []];
  child.stdout.on("data", (d) => out.push(d));
  child.stderr.on("data", (d) => err.push(d));
  child.on("close", (status) => (status ? failed(new Error(`kubectl kustomize: ${Buffer.concat(err).toString().trim()}`))
    : done(parseYaml(Buffer.concat(out).toString(), dir))));
});
const rendered = new Map(targets.map((t) => [t, render(t).catch((e) => e)]));

// Schemas: the packages' compiled validators read, on each object, every property their schema
// declares and list the keys of maps. Handed the object through a Proxy that records this, a key
// never read on an object read property by property is a field the schema does not have.
const PACKAGES = ["kubernetes-models", "@kubernetes-models/keda", "@kubernetes-models/prometheus-operator"];
async function model(apiVersion = "", kind = "") {
  const path = `${apiVersion}/${kind}`;
  for (const pkg of PACKAGES.filter(() => /^[\w.]+(\/\w+)?\/\w+$/.test(path))) {
    const mod = await import(`${pkg}/${path}`).catch(() => ({}));
    if (typeof mod[kind] === "function") {
      return mod[kind];
    }
  }
  return null;
}
function tracked(value, path, nodes) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  const node = { path, value, read: new Set(), listed: false };
  const kids = new Map();
  nodes.push(node);
  const noted = (p, answer) => (typeof p === "string" && node.read.add(p), answer);
  return new Proxy(value, {
    get: (t, p) => noted(p, typeof p !== "string" || !Object.hasOwn(t, p) || t[p] === null || typeof t[p] !== "object"
      ? Reflect.get(t, p) : kids.get(p) || kids.set(p, tracked(t[p], `${path}/${p}`, nodes)).get(p)),
    has: (t, p) => noted(p, Reflect.has(t, p)),
    getOwnPropertyDescriptor: (t, p) => noted(p, Reflect.getOwnPropertyDescriptor(t, p)),
    ownKeys: (t) => ((node.listed = true), Reflect.ownKeys(t)),
  });
}
const says = (e) => ({ required: () => `missing required field "${e.params.missingProperty}"`, type: () => `must be ${e.params.type}`,
  enum: () => `must be one of ${e.params.allowedValues?.join(", ")}`, format: () => `is not a valid ${e.params.format}` }[e.keyword]
  || (() => `fails ${e.keyword} ${JSON.stringify(e.params)}`))();
async function schema(o, id, r) {
  const Model = await model(o.apiVersion, o.kind);
  if (!r.expect(Model, "unknown-kind", id, `no schema for ${o.apiVersion} ${o.kind} in ${PACKAGES.join(", ")}`)) {
    return;
  }
  const nodes = [];
  let errors = [];
  try {
    Model.prototype.validate.call(tracked(o, "", nodes));
  } catch (e) {
    errors = e.errors || cannot(`${id}: ${e.message}`);
  }
  const byPath = new Map();
  errors.filter((e) => !["oneOf", "anyOf"].includes(e.keyword))
    .forEach((e) => byPath.set(e.instancePath, [...(byPath.get(e.instancePath) || []), says(e)]));
  byPath.forEach((m, path) => r.fail("schema", `${id} at ${path || "/"}`, [...new Set(m)].join(" or ")));
  for (const n of nodes.filter((x) => !Array.isArray(x.value) && !x.listed && x.read.size)) {
    Object.keys(n.value).filter((k) => !n.read.has(k)).forEach((k) => r.fail("unknown-field", `${id} at ${n.path}/${k}`,
      `unknown field "${k}": the ${o.apiVersion} ${o.kind} schema has no such field here`));
  }
}

const matches = (sel, labels = {}) => Boolean(sel) && Object.entries(sel.matchLabels || {}).every(([k, v]) => labels[k] === v)
  && (sel.matchExpressions || []).every((e) => ({ In: () => e.values.includes(labels[e.key]),
    NotIn: () => !e.values.includes(labels[e.key]), Exists: () => e.key in labels, DoesNotExist: () => !(e.key in labels) }[e.operator]()));
const portOf = (c, port) => (typeof port === "number" ? port : (c.ports || []).find((x) => x.name === port)?.containerPort);
const podsOf = (objects) => objects.flatMap((o) => {
  const t = o.kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.kind === "Pod" ? o : o.spec?.template;
  return t?.spec ? [{ owner: o, id: `${o.kind}/${o.metadata.name}`, labels: t.metadata?.labels, spec: t.spec }] : [];
});

function podSecurity(objects, pods, r) {
  const ns = objects.filter((o) => o.kind === "Namespace");
  r.expect(ns.length && ns.every((n) => n.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted"),
    "pod-security-label", `Namespace/${ns[0]?.metadata.name}`, "must be labelled pod-security.kubernetes.io/enforce: restricted");
  for (const { id, spec } of pods) {
    for (const c of [...(spec.initContainers || []), ...spec.containers, ...(spec.ephemeralContainers || [])]) {
      for (const [rule, [test, message]] of Object.entries(RESTRICTED)) {
        r.expect(test(spec, c), rule, test.length === 1 ? id : `${id} container ${c.name}`, message);
      }
    }
  }
}

function service(pods, name, role, r) {
  const pod = pods.find((p) => p.owner.kind === "Deployment" && p.owner.metadata.name === name);
  const c = pod?.spec.containers.find((x) => x.name === name);
  if (!r.expect(c, "health-probe", `Deployment/${name}`, `no Deployment ${name} with a container ${name}`)) {
    return null;
  }
  const id = `Deployment/${name} container ${name}`;
  const env = new Map((c.env || []).map((e) => [e.name, e]));
  r.expect(eff(pod.spec, c, "runAsUser") === facts.uid && eff(pod.spec, c, "runAsGroup") === facts.gid, "image-user", id,
    `must run as ${facts.uid}:${facts.gid}, the image's user (Dockerfile USER)`);
  r.expect(sc(c).readOnlyRootFilesystem === true, "read-only-root", id, "readOnlyRootFilesystem must be true, as in Compose");
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  r.expect(grace >= role.stopSeconds, "stop-grace", `Deployment/${name}`, `terminationGracePeriodSeconds ${grace} is shorter`
    + ` than the ${role.stopSeconds} s the product allows ${name} to stop (${role.stopSource})`);
  for (const v of facts.defaults.filter((x) => env.has(x))) {
    r.fail("product-default", id, `${v} is set: these manifests are checked against the product's default, leave it unset`);
  }
  for (const v of [...env.keys()].filter((x) => /^(HWAAS_|REDIS_URL$)/.test(x) && !role.variables.includes(x))) {
    r.fail("unknown-variable", id, `${v} is not a variable ${name} reads`);
  }
  r.expect((c.ports || []).some((x) => x.containerPort === facts.port), "health-probe", id, `must declare containerPort ${facts.port}`);
  for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
    const get = c[probe]?.httpGet;
    r.expect(get?.path === facts.healthPath && portOf(c, get.port) === facts.port, "health-probe", `${id} ${probe}`,
      `must get ${facts.healthPath} on port ${facts.port}`);
  }
  const file = env.get("HWAAS_REDIS_PASSWORD_FILE")?.value || "";
  const mount = (c.volumeMounts || []).find((m) => file.startsWith(`${m.mountPath.replace(/\/$/, "")}/`));
  const volume = (pod.spec.volumes || []).find((v) => v.name === mount?.name);
  r.expect(!env.has("HWAAS_REDIS_PASSWORD") && (volume?.secret || volume?.projected?.sources?.every((s) => s.secret)),
    "redis-password", id, "the password must come from a mounted Secret (HWAAS_REDIS_PASSWORD_FILE), never the environment");
  return { pod, c, env, role };
}

async function check(target, r) {
  const objects = await rendered.get(target);
  if (objects instanceof Error) {
    throw objects;
  }
  for (const o of objects) {
    await schema(o, `${o.kind}/${o.metadata?.name}`, r);
  }
  const pods = podsOf(objects);
  podSecurity(objects, pods, r);
  const worker = service(pods, facts.worker.name, facts.worker, r);
  const client = service(pods, facts.client.name, facts.client, r);
  objects.filter((o) => o.kind === "Secret").forEach((o) => r.fail("no-secret-objects", `Secret/${o.metadata.name}`,
    "credentials do not belong in the manifests: create the Secret with kubectl"));
  const scalers = objects.filter((o) => o.kind === "ScaledObject" && o.spec.scaleTargetRef?.name === facts.worker.name);
  r.expect(scalers.length && scalers.every((s) => s.spec.minReplicaCount >= 2), "min-workers", `ScaledObject/${scalers[0]?.metadata.name}`,
    `must scale ${facts.worker.name} with minReplicaCount 2 or more: a dead worker's jobs come back only through a live peer`);
  const url = worker?.env.get("REDIS_URL")?.value || "";
  for (const t of scalers.flatMap((s) => s.spec.triggers.map((x) => ({ ...x, id: `ScaledObject/${s.metadata.name} trigger ${x.type}` })))) {
    r.expect(t.metadata.listName === facts.keys.queue && url.endsWith(`/${t.metadata.databaseIndex}`) && !t.metadata.password,
      "queue-key", t.id, `must read ${facts.keys.queue} (hw-worker keys) in REDIS_URL's database, with credentials from its`
      + ` TriggerAuthentication; reads ${t.metadata.listName} in ${t.metadata.databaseIndex}`);
  }
  for (const { id, spec } of pods) {
    spec.containers.filter((c) => (c.env || []).some((e) => e.name === "REDIS_EXPORTER_CHECK_SINGLE_KEYS")).forEach((c) => r.expect(
      c.env.find((e) => e.name === "REDIS_EXPORTER_CHECK_SINGLE_KEYS").value.split(",").includes(`db${facts.database}=${facts.keys.queue}`),
      "queue-key", `${id} container ${c.name}`, `REDIS_EXPORTER_CHECK_SINGLE_KEYS must include db${facts.database}=${facts.keys.queue}`));
  }
  for (const s of [worker, client].filter(Boolean)) {
    r.expect(objects.some((m) => m.kind === "PodMonitor" && matches(m.spec.selector, s.pod.labels) && s.pod.labels[m.spec.jobLabel]
      === s.role.job && m.spec.podMetricsEndpoints.some((e) => portOf(s.c, e.port) === facts.port && (e.path || "/metrics")
      === facts.metricsPath)), "pod-monitor", s.pod.id, `no PodMonitor scrapes ${facts.metricsPath} on port ${facts.port} of its pods`
      + ` as job ${s.role.job} (through jobLabel), the job the alerts and the dashboard expect`);
  }
  const canonical = (v) => JSON.stringify(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object
    .entries(x).sort()) : x));
  r.expect(objects.some((o) => o.kind === "PrometheusRule" && canonical(o.spec.groups) === canonical(alertGroups())),
    "prometheus-rule", "PrometheusRule/hwaas", "must hold monitoring/prometheus/alerts.yml's groups: run node deploy/validate/k8s.mjs"
    + " --prometheus-rule");
  for (const { id, spec } of pods) {
    for (const c of spec.containers.filter((x) => [...(x.command || []), ...(x.args || [])].includes("redis-server"))) {
      const argv = [...(c.command || []), ...(c.args || [])];
      for (const [k, v] of Object.entries(facts.redis)) {
        r.expect(argv[argv.indexOf(`--${k}`) + 1] === v && argv.includes(`--${k}`), "redis-settings", `${id} container ${c.name}`,
          `must run with --${k} ${v}, as the Compose Redis does`);
      }
    }
  }
  return `${objects.length} objects valid`;
}

await run(targets, check);
