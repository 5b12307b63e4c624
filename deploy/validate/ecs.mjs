// Validates HWaaS' CloudFormation template offline: every resource type and property against the
// CloudFormation resource specification in the pinned @aws-cdk/aws-service-spec (the database the AWS
// CDK generates its L1 classes from), unknown properties rejected; every Ref, Fn::GetAtt, Fn::Sub,
// condition and DependsOn against what the template defines; the services against HWaaS' own rules,
// with the numbers read from the product (see harness.mjs).
//
//   node ecs.mjs [--facts FILE] [TEMPLATE | FIXTURE_DIR...]      default: deploy/ecs/hwaas.yaml
// A fixture directory holds patch.yaml: JSON Patch operations that break deploy/ecs/hwaas.yaml.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { commandLine, here, parseYaml, run } from "./harness.mjs";

const RULES = ["schema", "unknown-property", "unknown-type", "reference", "image-user", "read-only-root", "no-capabilities",
  "stop-timeout", "health-check", "logs", "no-public-ip", "secret-in-environment", "redis-password", "product-default",
  "unknown-variable", "min-workers", "queue-metric", "ledger-on-efs", "redis-settings", "redis-ha", "redis-tls"];
const TEMPLATE = join(here, "..", "ecs", "hwaas.yaml");
const { facts, targets } = commandLine(RULES, () => [TEMPLATE]);

const spec = JSON.parse(gunzipSync(readFileSync(join(here, "node_modules/@aws-cdk/aws-service-spec/db.json.gz")))).schema;
const TYPES = new Map(spec.resource.entities.map((r) => [r.cloudFormationType, r]));
const DEFS = new Map(spec.typeDefinition.entities.map((t) => [t.$id, t]));
const PSEUDO = ["AccountId", "NotificationARNs", "NoValue", "Partition", "Region", "StackId", "StackName", "URLSuffix"];
const TOP = ["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform",
  "Resources", "Outputs"];
const ATTRIBUTES = ["Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata",
  "CreationPolicy", "UpdatePolicy"];
const TAG = { Key: { type: { type: "string" }, required: true }, Value: { type: { type: "string" }, required: true } };

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const intrinsic = (v) => isObject(v) && Object.keys(v).length === 1 && /^(Ref|Condition|Fn::\w+)$/.test(Object.keys(v)[0]);
const entries = (v) => Object.entries(v || {});

/** A property value against its specification type. An intrinsic function may stand for any value (references are checked apart). */
function value(v, type, at, r) {
  if (intrinsic(v)) {
    return Array.isArray(v["Fn::If"]) && v["Fn::If"].slice(1).forEach((branch) => value(branch, type, at, r));
  }
  const scalar = ["string", "number", "boolean"].includes(typeof v);
  const numeric = scalar && v !== "" && !Number.isNaN(Number(v));
  const ok = {
    string: () => scalar && (!type.allowedValues || type.allowedValues.includes(String(v))),
    "date-time": () => scalar,
    integer: () => numeric && Number.isInteger(Number(v)),
    number: () => numeric,
    boolean: () => [true, false, "true", "false"].includes(v),
    array: () => Array.isArray(v) && v.every((x, i) => value(x, type.element, `${at}[${i}]`, r) || true),
    map: () => isObject(v) && entries(v).every(([k, x]) => value(x, type.element, `${at}.${k}`, r) || true),
    ref: () => isObject(v) && (properties(v, DEFS.get(type.reference?.$ref).properties, at, r) || true),
    tag: () => isObject(v) && (properties(v, TAG, at, r) || true),
    union: () => type.types.some((t) => {
      let fits = true;
      value(v, t, at, { fail: () => (fits = false), expect: (good) => good || (fits = false) });
      return fits;
    }),
  }[type.type] || (() => true); // json
  const name = type.type === "ref" ? DEFS.get(type.reference.$ref).name : type.type;
  const one = type.allowedValues ? ` (one of ${type.allowedValues.join(", ")})` : "";
  r.expect(ok(), "schema", at, `must be ${name}${one}, is ${JSON.stringify(v)}`);
}
function properties(obj, allowed, at, r) {
  for (const [k, v] of entries(obj)) {
    const near = Object.keys(allowed).find((p) => p.toLowerCase() === k.toLowerCase());
    const hint = near ? ` (the specification spells it ${near})` : "";
    if (r.expect(allowed[k], "unknown-property", `${at}.${k}`, `unknown property ${k}${hint}`)) {
      value(v, allowed[k].type, `${at}.${k}`, r);
    }
  }
  entries(allowed).filter(([k, p]) => p.required && !(k in obj)).forEach(([k]) => r.fail("schema", at, `missing required property ${k}`));
}

/** Every Ref, Fn::GetAtt, Fn::Sub variable, Fn::If and Condition under v; `holds`: the conditions true there. */
function references(v, at, t, holds, r) {
  if (Array.isArray(v) || !isObject(v)) {
    return Array.isArray(v) && v.forEach((x, i) => references(x, `${at}[${i}]`, t, holds, r));
  }
  const exists = (name, what) => {
    const only = t.Resources?.[name]?.Condition;
    r.expect(!only || holds.includes(only), "reference", at, `${what}: resource ${name} exists only if ${only}, which need not hold here`);
  };
  const ref = (name) => r.expect(name in (t.Parameters || {}) || name in t.Resources || PSEUDO.includes(name.replace(/^AWS::/, "")),
    "reference", at, `Ref ${name}: no such parameter, resource or pseudo-parameter`) && exists(name, `Ref ${name}`);
  const attribute = ([name, attr]) => r.expect(TYPES.get(t.Resources[name]?.Type)?.attributes[attr], "reference", at,
    `Fn::GetAtt ${name}.${attr}: no such resource, or its type has no such attribute`) && exists(name, `Fn::GetAtt ${name}.${attr}`);
  const condition = (c) => r.expect(c in (t.Conditions || {}), "reference", at, `condition ${c} is not defined`);
  for (const [k, x] of entries(v)) {
    if (k === "Ref") {
      ref(x);
    } else if (k === "Fn::GetAtt") {
      attribute(Array.isArray(x) ? x : String(x).split(/\.(.*)/s));
    } else if (k === "Fn::Sub") {
      const [text, vars = {}] = [x].flat();
      [...String(text).matchAll(/\$\{(?!!)([^}]+)\}/g)].map((m) => m[1]).filter((n) => !(n in vars))
        .forEach((n) => (/^[^:]+\./.test(n) ? attribute(n.split(/\.(.*)/s)) : ref(n)));
      references(vars, at, t, holds, r);
    } else if (k === "Fn::If" && Array.isArray(x)) {
      condition(x[0]);
      references(x[1], at, t, [...holds, x[0]], r);
      references(x[2], at, t, holds, r);
    } else if (k === "Condition" && typeof x === "string") {
      condition(x);
    } else {
      references(x, `${at}.${k}`, t, holds, r);
    }
  }
}

function structure(t, r) {
  const unknown = (obj, allowed, at) => Object.keys(obj).filter((k) => !allowed.includes(k))
    .forEach((k) => r.fail("unknown-property", `${at}.${k}`, `unknown key ${k} here (allowed: ${allowed.join(", ")})`));
  unknown(t, TOP, "template");
  t.Resources = r.expect(isObject(t.Resources), "schema", "template", "must have Resources") ? t.Resources : {};
  entries(t.Outputs).forEach(([n, o]) => references(o, `Outputs.${n}`, t, [o.Condition], r));
  entries(t.Conditions).forEach(([n, c]) => references(c, `Conditions.${n}`, t, [], r));
  entries(t.Rules).forEach(([n, c]) => references(c, `Rules.${n}`, t, [], r));
  for (const [name, res] of entries(t.Resources)) {
    unknown(res, ATTRIBUTES, name);
    if (r.expect(TYPES.get(res.Type), "unknown-type", name, `unknown resource type ${res.Type}`)) {
      properties(res.Properties || {}, TYPES.get(res.Type).properties, name, r);
    }
    [res.DependsOn || []].flat().forEach((d) => r.expect(d in t.Resources, "reference", `${name}.DependsOn`, `no resource ${d}`));
    references({ Condition: res.Condition, ...res.Properties }, name, t, [res.Condition], r);
  }
}

/** The logical names a value refers to, through Ref, Fn::GetAtt and Fn::Sub. */
const refsIn = (v) => (Array.isArray(v) ? v.flatMap(refsIn) : !isObject(v) ? [] : entries(v).flatMap(([k, x]) => (k === "Ref" ? [x]
  : k === "Fn::GetAtt" ? [[x].flat()[0].split(".")[0]]
    : k === "Fn::Sub" ? [...String([x].flat()[0]).matchAll(/\$\{([^!}.]+)/g)].map((m) => m[1]).concat(refsIn([x].flat()[1]))
      : refsIn(x))));
const text = (v) => (typeof v === "string" ? v : [v?.["Fn::Sub"]].flat()[0] || "");
const yes = (v) => v === true || v === "true";

function hwaas(t, r) {
  const of = (type) => entries(t.Resources).filter(([, res]) => res.Type === type).map(([name, res]) => ({ name, ...res.Properties }));
  const containers = of("AWS::ECS::TaskDefinition").flatMap((task) => (task.ContainerDefinitions || []).map((c) => ({ ...c, task,
    at: `${task.name} container ${c.Name}`, env: new Map((c.Environment || []).map((e) => [e.Name, e.Value])) })));
  const secrets = [...entries(t.Parameters).filter(([, p]) => p.NoEcho).map(([n]) => n),
    ...of("AWS::SecretsManager::Secret").map((s) => s.name)];
  for (const c of containers) {
    const caps = c.LinuxParameters?.Capabilities;
    r.expect(caps?.Drop?.includes("ALL") && !caps.Add?.length && !yes(c.Privileged), "no-capabilities", c.at,
      "must drop ALL capabilities, add none and not be privileged");
    r.expect(c.LogConfiguration?.LogDriver === "awslogs" && refsIn(c.LogConfiguration.Options)
      .some((n) => t.Resources[n]?.Type === "AWS::Logs::LogGroup"), "logs", c.at, "must log to a Logs group of this template (awslogs)");
    [...c.env].filter(([n, v]) => /PASSWORD|SECRET|TOKEN/i.test(n) || JSON.stringify(v).includes("{{resolve:")
      || refsIn(v).some((s) => secrets.includes(s))).forEach(([n]) => r.fail("secret-in-environment", `${c.at} Environment ${n}`,
      "secrets belong in Secrets (from Secrets Manager), never in Environment"));
  }
  const [worker, client] = [facts.worker, facts.client].map((role) => ({ role, c: containers.find((c) => c.Name === role.name) }));
  for (const { role, c } of [worker, client]) {
    if (!r.expect(c, "image-user", role.name, `no task definition has a container ${role.name}`)) {
      continue;
    }
    r.expect(c.User === facts.user, "image-user", c.at, `User must be ${facts.user}, the image's user (Dockerfile USER)`);
    r.expect(yes(c.ReadonlyRootFilesystem), "read-only-root", c.at, "ReadonlyRootFilesystem must be true, as in Compose");
    r.expect(Number(c.StopTimeout) >= role.stopSeconds, "stop-timeout", c.at, `StopTimeout ${c.StopTimeout} is shorter than the`
      + ` ${role.stopSeconds} s the product allows ${role.name} to stop (${role.stopSource})`);
    r.expect(JSON.stringify(c.HealthCheck?.Command) === JSON.stringify(facts.healthCheck.command), "health-check", c.at,
      `HealthCheck.Command must be the image's own (Dockerfile HEALTHCHECK: ${facts.healthPath} on port ${facts.port})`);
    r.expect(refsIn((c.Secrets || []).find((s) => s.Name === "HWAAS_REDIS_PASSWORD")?.ValueFrom).some((n) => secrets.includes(n)),
      "redis-password", c.at, "HWAAS_REDIS_PASSWORD must come from Secrets Manager through Secrets");
    facts.defaults.filter((v) => c.env.has(v)).forEach((v) => r.fail("product-default", c.at,
      `${v} is set: the template is checked against the product's default, leave it unset`));
    [...c.env.keys(), ...(c.Secrets || []).map((s) => s.Name)].filter((v) => /^(HWAAS_|REDIS_URL$)/.test(v) && !role.variables.includes(v))
      .forEach((v) => r.fail("unknown-variable", c.at, `${v} is not a variable ${role.name} reads`));
    const url = text(c.env.get("REDIS_URL"));
    r.expect(url.startsWith("rediss://"), "redis-tls", c.at, "REDIS_URL must be rediss:// (TLS in transit)");
    r.expect(url.endsWith(`/${facts.database}`), "queue-metric", c.at, `REDIS_URL must use database ${facts.database}, which is measured`);
  }
  const services = of("AWS::ECS::Service");
  services.forEach((s) => r.expect(s.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp === "DISABLED", "no-public-ip", s.name,
    "AssignPublicIp must be DISABLED"));
  const workers = services.find((s) => refsIn(s.TaskDefinition).includes(worker.c?.task.name));
  const target = of("AWS::ApplicationAutoScaling::ScalableTarget").find((s) => refsIn(s.ResourceId).includes(workers?.name));
  r.expect(Number(workers?.DesiredCount) >= 2 && Number(target?.MinCapacity) >= 2, "min-workers", workers?.name || "template",
    "the worker service needs DesiredCount and autoscaling MinCapacity 2 or more: only a live peer returns a dead worker's jobs");
  const single = `db${facts.database}=${facts.keys.queue}`;
  const dimension = JSON.stringify({ Name: "key", Value: facts.keys.queue });
  r.expect(containers.some((c) => text(c.env.get("REDIS_EXPORTER_CHECK_SINGLE_KEYS")).split(",").includes(single))
    && of("AWS::ApplicationAutoScaling::ScalingPolicy").some((p) => refsIn(p.ScalingTargetId).includes(target?.name)
      && JSON.stringify(p).includes(dimension)), "queue-metric", target?.name || "template",
  `the exporter must read ${single} (hw-worker keys) and a scaling policy of the workers must track it`);
  const mount = (client.c?.MountPoints || []).find((m) => m.ContainerPath === client.c.env.get("HWAAS_CLIENT_LEDGER_DIR"));
  const efs = (client.c?.task.Volumes || []).find((v) => v.Name === mount?.SourceVolume)?.EFSVolumeConfiguration;
  const point = of("AWS::EFS::AccessPoint").find((a) => refsIn(efs?.AuthorizationConfig?.AccessPointId).includes(a.name));
  r.expect(efs?.TransitEncryption === "ENABLED" && String(point?.PosixUser?.Uid) === String(facts.uid), "ledger-on-efs",
    client.c?.at || "template", `HWAAS_CLIENT_LEDGER_DIR must be on EFS, encrypted in transit, via an access point as uid ${facts.uid}`);
  const [policy, bulk] = [facts.redis["maxmemory-policy"], facts.redisBytes["proto-max-bulk-len"]];
  of("AWS::ElastiCache::ParameterGroup").forEach((p) => r.expect(p.Properties?.["maxmemory-policy"] === policy
    && String(p.Properties?.["proto-max-bulk-len"]) === String(bulk), "redis-settings", p.name,
  `must set maxmemory-policy ${policy} and proto-max-bulk-len ${bulk}, as the Compose Redis does`));
  of("AWS::ElastiCache::ReplicationGroup").forEach((g) => r.expect(g.ClusterMode === "Disabled" && g.UserGroupIds?.length
    && [g.MultiAZEnabled, g.AutomaticFailoverEnabled, g.TransitEncryptionEnabled].every(yes), "redis-ha", g.name,
  "must be cluster mode disabled, Multi-AZ with automatic failover, TLS in transit, with RBAC users"));
}

/** JSON Patch (add, replace, remove) applied to the template. */
function patched(doc, ops) {
  for (const { op, path, value: v } of ops) {
    const keys = path.split("/").slice(1);
    const last = keys.pop();
    const parent = keys.reduce((o, k) => o?.[k], doc);
    if (typeof parent !== "object" || !["add", "replace", "remove"].includes(op) || (op !== "add" && !(last in parent))) {
      throw new Error(`patch.yaml: cannot ${op} ${path}`);
    }
    if (op === "remove") {
      Array.isArray(parent) ? parent.splice(last, 1) : delete parent[last];
    } else if (op === "add" && Array.isArray(parent)) {
      parent.splice(last === "-" ? parent.length : last, 0, v);
    } else {
      parent[last] = v;
    }
  }
  return doc;
}

await run(targets, async (target, r) => {
  const fixture = join(target, "patch.yaml");
  const read = (file) => parseYaml(readFileSync(file, "utf8"), file)[0];
  const t = existsSync(fixture) ? patched(read(TEMPLATE), read(fixture)) : read(target);
  structure(t, r);
  hwaas(t, r);
  return `${Object.keys(t.Resources || {}).length} resources valid`;
});
