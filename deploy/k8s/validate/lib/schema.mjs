// Schema validation of rendered objects against the JSON schemas that kubernetes-models and its
// KEDA and Prometheus Operator companions ship, compiled (ajv standalone code, one function per
// type). Those functions check types, required fields, enums, formats (quantities, int-or-string)
// and patterns, but they were generated without additionalProperties: false, so on their own they
// accept any unknown field: a misspelt field is dropped silently by the API server (or refused,
// with kubectl's strict field validation) and nothing here would notice.
//
// The packages ship no schema documents to recompile, only those functions. So the object is
// handed to the function through a Proxy that records which properties the function looks up on
// each object. A compiled schema reads every property it declares ("properties"), and enumerates
// the keys of an object whose schema is a map ("additionalProperties" or "patternProperties",
// labels for instance). Afterwards, on an object that was read property by property and never
// enumerated, a key the function never asked about is a field the schema does not have. An object
// the function did not look into at all has a free-form schema (x-kubernetes-preserve-unknown-
// fields, as in KEDA's trigger metadata) and is left alone, as the API server would.

const PACKAGES = ["kubernetes-models", "@kubernetes-models/keda", "@kubernetes-models/prometheus-operator"];

const models = new Map();

/** The kubernetes-models class for apiVersion/kind, or null when no package has one. */
export async function modelFor(apiVersion, kind) {
  const id = `${apiVersion}/${kind}`;
  if (models.has(id)) {
    return models.get(id);
  }
  let found = null;
  if (typeof apiVersion === "string" && typeof kind === "string" && /^[A-Za-z0-9]+$/.test(kind)) {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : [null, apiVersion];
    const relative = group ? `${group}/${version}/${kind}` : `${version}/${kind}`;
    for (const pkg of PACKAGES) {
      try {
        const mod = await import(`${pkg}/${relative}`);
        if (typeof mod[kind] === "function") {
          found = mod[kind];
          break;
        }
      } catch (e) {
        // The package has no such group, version or kind: try the next one.
        if (e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" && e.code !== "ERR_MODULE_NOT_FOUND") {
          throw e;
        }
      }
    }
  }
  models.set(id, found);
  return found;
}

function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function pointer(path, key) {
  return `${path}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/** Wraps value so that every property lookup on it and below it is recorded in nodes. */
function track(value, path, nodes) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  const node = { path, value, read: new Set(), enumerated: false };
  nodes.push(node);
  const children = new Map();
  const child = (target, prop) => {
    const v = target[prop];
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(target, prop)) {
      return v;
    }
    if (!children.has(prop)) {
      children.set(prop, track(v, pointer(path, prop), nodes));
    }
    return children.get(prop);
  };
  return new Proxy(value, {
    get(target, prop) {
      if (typeof prop !== "string") {
        return Reflect.get(target, prop);
      }
      node.read.add(prop);
      return child(target, prop);
    },
    has(target, prop) {
      if (typeof prop === "string") {
        node.read.add(prop);
      }
      return Reflect.has(target, prop);
    },
    getOwnPropertyDescriptor(target, prop) {
      if (typeof prop === "string") {
        node.read.add(prop);
      }
      return Reflect.getOwnPropertyDescriptor(target, prop);
    },
    ownKeys(target) {
      node.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

function valueAt(root, path) {
  let v = root;
  for (const raw of path.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (v === null || typeof v !== "object") {
      return undefined;
    }
    v = v[key];
  }
  return v;
}

function describe(v) {
  if (v === undefined) {
    return "nothing";
  }
  if (v === null) {
    return "null";
  }
  if (Array.isArray(v)) {
    return "an array";
  }
  if (typeof v === "object") {
    return "an object";
  }
  return `${typeof v} ${JSON.stringify(v)}`;
}

function message(err, root) {
  const p = err.params || {};
  const value = valueAt(root, err.instancePath);
  switch (err.keyword) {
    case "type":
      return `wrong type: must be ${p.type}, is ${describe(value)}`;
    case "required":
      return `missing required field "${p.missingProperty}"`;
    case "enum":
      return `${JSON.stringify(value)} is not one of the allowed values: ${(p.allowedValues || []).join(", ")}`;
    case "const":
      return `must be ${JSON.stringify(p.allowedValue)}, is ${JSON.stringify(value)}`;
    case "format":
      return p.format === "quantity"
        ? `${JSON.stringify(value)} is not a Kubernetes quantity (such as 96Mi, 500m or 2)`
        : `${JSON.stringify(value)} does not match format "${p.format}"`;
    case "pattern":
      return `${JSON.stringify(value)} does not match the pattern ${p.pattern}`;
    case "additionalProperties":
      return `unknown field "${p.additionalProperty}"`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
    case "minProperties":
    case "maxProperties":
      return `must be ${p.comparison || err.keyword} ${p.limit}, is ${describe(value)}`;
    default:
      return `fails "${err.keyword}" ${JSON.stringify(p)}`;
  }
}

/** ajv's errors as one message per path; a failed oneOf/anyOf becomes "A or B". */
function formatErrors(errors, root) {
  const byPath = new Map();
  for (const err of errors) {
    if (!byPath.has(err.instancePath)) {
      byPath.set(err.instancePath, []);
    }
    byPath.get(err.instancePath).push(err);
  }
  const out = [];
  for (const [path, errs] of byPath) {
    const union = errs.some((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
    const branches = errs.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf");
    const messages = [...new Set(branches.map((e) => message(e, root)))];
    if (union) {
      // int-or-string and quantities are unions: a value of the wrong type fails every branch on
      // its type; a value of the right type fails one branch on something else, which is the news.
      const types = branches.filter((e) => e.keyword === "type");
      const rest = [...new Set(branches.filter((e) => e.keyword !== "type").map((e) => message(e, root)))];
      const text = rest.length ? rest.join(", or ")
        : types.length ? `wrong type: must be ${[...new Set(types.map((e) => e.params.type))].join(" or ")}, is ${describe(valueAt(root, path))}`
          : "matches none of the allowed forms";
      out.push({ path: path || "/", message: text });
    } else {
      for (const m of messages) {
        out.push({ path: path || "/", message: m });
      }
    }
  }
  return out;
}

/**
 * Validates one object: its schema's own checks plus unknown fields. Returns problems as
 * {path, message}; an unknown apiVersion/kind is itself a problem (kubeconform -strict fails on
 * a missing schema too), so a typo in a kind cannot skip validation.
 */
export async function validateObject(obj) {
  if (!isPlainObject(obj)) {
    return [{ path: "/", message: `not an object but ${describe(obj)}` }];
  }
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) {
    return [{ path: "/", message: `no schema for apiVersion ${JSON.stringify(obj.apiVersion)} kind ${JSON.stringify(obj.kind)} in ${PACKAGES.join(", ")}` }];
  }
  const nodes = [];
  const proxy = track(obj, "", nodes);
  let errors = [];
  try {
    // The model's validate() runs the compiled schema on "this": here, the recording proxy.
    Model.prototype.validate.call(proxy);
  } catch (e) {
    if (!Array.isArray(e.errors)) {
      throw e;
    }
    errors = e.errors;
  }
  const problems = formatErrors(errors, obj);
  for (const node of nodes) {
    if (!isPlainObject(node.value) || node.enumerated || node.read.size === 0) {
      continue;
    }
    for (const key of Object.keys(node.value)) {
      if (!node.read.has(key)) {
        problems.push({ path: pointer(node.path, key), message: `unknown field "${key}" (the ${obj.apiVersion} ${obj.kind} schema has no such field here)` });
      }
    }
  }
  return problems;
}
