//! Reading the hand-written OpenAPI 3.0 documents: local references, a
//! schema as the JSON Schema a validator takes, and the `x-inferred` marks
//! with a readable name for each. The validation proxy checks live traffic
//! with it, and `cargo xtask check` the docs' examples.

use serde_json::{Map, Value, json};

/// HTTP methods an OpenAPI path item may hold.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords that reject a value of the right type. The SDK is generated
/// without them (and without a string's `format`) for responses: an answer
/// the provider has acted on must still parse.
pub const VALUE_CONSTRAINTS: &[&str] = &[
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

/// Follows local `$ref`s (`#/components/...`) from `value`, returning the
/// target.
pub fn resolve<'a>(root: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
    resolve_at(root, value, "").map(|(node, _)| node)
}

/// [`resolve`], also giving the target's JSON pointer in `root` (`at` when
/// `value` is no reference).
pub fn resolve_at<'a>(
    root: &'a Value,
    value: &'a Value,
    at: &str,
) -> Result<(&'a Value, String), String> {
    let (mut current, mut pointer) = (value, at.to_string());
    for _ in 0..16 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                pointer = reference
                    .strip_prefix('#')
                    .ok_or_else(|| format!("only local $refs are supported: {reference}"))?
                    .to_string();
                current = root
                    .pointer(&pointer)
                    .ok_or_else(|| format!("$ref {reference} points at nothing"))?;
            }
            None => return Ok((current, pointer)),
        }
    }
    Err("$ref chain too long (a cycle?)".into())
}

/// `key` as one JSON-pointer segment.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Turns an OpenAPI 3.0 schema (at pointer `at` of `root`) into a
/// self-contained JSON Schema (draft 4, as OpenAPI 3.0's is): references
/// inlined, `nullable` as `anyOf` with `null`, `allOf` of objects folded
/// into one. `closed` refuses fields the schema does not list. Each
/// `x-inferred` mark stays, as `{"at": pointer in root, "text": why}`, and
/// `x-sdk-unchecked` stays as it is; validators ignore both.
pub fn to_json_schema(
    root: &Value,
    schema: &Value,
    at: &str,
    closed: bool,
) -> Result<Value, String> {
    convert(root, schema, at, closed, 0)
}

fn convert(
    root: &Value,
    schema: &Value,
    at: &str,
    closed: bool,
    depth: usize,
) -> Result<Value, String> {
    if depth > 32 {
        return Err("schema nests too deeply (a $ref cycle?)".into());
    }
    let (schema, at) = resolve_at(root, schema, at)?;
    let Some(map) = schema.as_object() else {
        return Ok(schema.clone());
    };
    let child = |value: &Value, pointer: String| convert(root, value, &pointer, closed, depth + 1);
    let mut out = Map::new();
    for (key, value) in map {
        let here = format!("{at}/{}", escape(key));
        let converted = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| Ok((k.clone(), child(v, format!("{here}/{}", escape(k)))?)))
                    .collect::<Result<_, String>>()?,
            ),
            "items" | "not" => child(value, here)?,
            "additionalProperties" if value.is_object() => child(value, here)?,
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, v)| child(v, format!("{here}/{i}")))
                    .collect::<Result<_, String>>()?,
            ),
            "x-inferred" => json!({"at": at, "text": one_line(value)}),
            "x-sdk-unchecked" => value.clone(),
            "nullable" | "example" | "examples" | "discriminator" | "xml" | "externalDocs"
            | "readOnly" | "writeOnly" | "deprecated" => continue,
            k if k.starts_with("x-") => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    merge_all_of(&mut out);
    if closed && out.contains_key("properties") && !out.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    let converted = Value::Object(out);
    if map.get("nullable") == Some(&Value::Bool(true)) {
        Ok(json!({ "anyOf": [{ "type": "null" }, converted] }))
    } else {
        Ok(converted)
    }
}

/// Folds `allOf: [object, object]` into one object, so closing objects does
/// not make each branch reject the other branch's fields.
pub fn merge_all_of(out: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = out.get("allOf") else {
        return;
    };
    let all_objects = branches
        .iter()
        .all(|b| b.get("properties").is_some() && b.get("anyOf").is_none());
    if !all_objects {
        return;
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for branch in branches {
        if let Some(Value::Object(p)) = branch.get("properties") {
            properties.extend(p.clone());
        }
        if let Some(Value::Array(r)) = branch.get("required") {
            required.extend(r.iter().cloned());
        }
    }
    required.sort_by_key(|v| v.to_string());
    required.dedup();
    out.remove("allOf");
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }
}

/// An `x-inferred` text on one line.
fn one_line(reason: &Value) -> String {
    reason
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One `x-inferred` mark in a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Inference {
    /// Where it is: the JSON pointer of the marked object.
    pub at: String,
    /// A readable name of the marked item (`GET /webhooks/{id}.json response 200`).
    pub item: String,
    /// Why it was inferred, as the spec says.
    pub reason: String,
}

/// Every `x-inferred` mark in `root`, in document order.
pub fn inferences(root: &Value) -> Vec<Inference> {
    let mut out = Vec::new();
    walk(root, root, &mut Vec::new(), &mut out);
    out
}

fn walk(root: &Value, value: &Value, path: &mut Vec<String>, out: &mut Vec<Inference>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => {
            if let Some(reason) = map.get("x-inferred") {
                let keys: Vec<&str> = path.iter().map(String::as_str).collect();
                out.push(Inference {
                    at: path.iter().map(|k| format!("/{}", escape(k))).collect(),
                    item: label(root, &keys),
                    reason: one_line(reason),
                });
            }
            map.iter().map(|(k, v)| (k.clone(), v)).collect()
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        path.push(key);
        walk(root, child, path, out);
        path.pop();
    }
}

/// A readable name for the item at `path` (keys from the root), such as
/// `GET /webhooks/{webhookId}.json response 404` or `schema ErrorResponse.message`.
pub fn label(root: &Value, path: &[&str]) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut node = root;
    let mut rest = path;
    match path {
        ["paths", route, method, tail @ ..] if METHODS.contains(method) => {
            words.push(format!("{} {route}", method.to_uppercase()));
            node = &node["paths"][*route][*method];
            rest = tail;
        }
        ["paths", route, tail @ ..] => {
            words.push(route.to_string());
            node = &node["paths"][*route];
            rest = tail;
        }
        ["components", kind, name, tail @ ..] => {
            words.push(format!("{} {name}", kind.trim_end_matches('s')));
            node = &node["components"][*kind][*name];
            rest = tail;
        }
        _ => {}
    }
    while let [key, tail @ ..] = rest {
        let next = tail.first().copied();
        match (*key, next) {
            ("parameters", Some(index)) => {
                let param = &node["parameters"][index.parse::<usize>().unwrap_or(usize::MAX)];
                let name = param.get("name").and_then(Value::as_str).unwrap_or(index);
                words.push(format!("parameter {name}"));
                node = param;
                rest = &tail[1..];
            }
            ("responses", Some(code)) => {
                words.push(format!("response {code}"));
                node = &node["responses"][code];
                rest = &tail[1..];
            }
            ("properties", Some(field)) => {
                match words.last_mut() {
                    Some(last) => last.push_str(&format!(".{field}")),
                    None => words.push(field.to_string()),
                }
                node = &node["properties"][field];
                rest = &tail[1..];
            }
            ("content", Some(media)) => {
                node = &node["content"][media];
                rest = &tail[1..];
            }
            ("schema", _) => {
                node = &node["schema"];
                rest = tail;
            }
            ("requestBody", _) => {
                words.push("request body".into());
                node = &node["requestBody"];
                rest = tail;
            }
            (other, _) => {
                words.push(other.to_string());
                node = &node[other];
                rest = tail;
            }
        }
    }
    words.join(" ")
}

/// The label of the item at JSON pointer `at`.
pub fn label_at(root: &Value, at: &str) -> String {
    let keys: Vec<String> = at
        .split('/')
        .skip(1)
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    label(root, &keys)
}

/// A YAML document as JSON (feature `openapi`).
#[cfg(feature = "openapi")]
pub fn parse_yaml(text: &str) -> Result<Value, String> {
    yaml_serde::from_str(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inferred_marks_keep_where_they_came_from_through_references() {
        let root = json!({
            "components": {"schemas": {
                "Thing": {"type": "object", "x-inferred": "a  guess", "properties": {
                    "id": {"type": "string", "x-inferred": "another"}
                }}
            }},
            "paths": {"/things": {"get": {"responses": {"200": {"x-inferred": "ok?", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
            }}}}}}
        });
        let schema = to_json_schema(
            &root,
            &json!({"$ref": "#/components/schemas/Thing"}),
            "",
            true,
        )
        .unwrap();
        assert_eq!(
            schema["x-inferred"],
            json!({"at": "/components/schemas/Thing", "text": "a guess"})
        );
        assert_eq!(
            schema["properties"]["id"]["x-inferred"]["at"],
            "/components/schemas/Thing/properties/id"
        );
        assert_eq!(schema["additionalProperties"], false);
        let marks = inferences(&root);
        let items: Vec<_> = marks
            .iter()
            .map(|m| (m.at.as_str(), m.item.as_str()))
            .collect();
        assert_eq!(
            items,
            [
                ("/components/schemas/Thing", "schema Thing"),
                ("/components/schemas/Thing/properties/id", "schema Thing.id"),
                (
                    "/paths/~1things/get/responses/200",
                    "GET /things response 200"
                ),
            ]
        );
        assert_eq!(
            label_at(&root, "/paths/~1things/get/responses/200"),
            "GET /things response 200"
        );
    }
}

/// A contract the mock answers in: one hand-written spec, the provider it
/// belongs to, and the version a request sends to be answered in it where
/// the provider answers each version in its own contract (Commet).
#[derive(Debug, Clone, Copy)]
pub struct Contract {
    /// The provider.
    pub provider: crate::Provider,
    /// Its hand-written spec's file name under `openapi/` (`commet-2026-08-27.yaml`).
    pub spec_file: &'static str,
    /// The version header and value that select it, if any.
    pub version: Option<(&'static str, &'static str)>,
}

impl Contract {
    /// Its spec's file stem (`commet-2026-08-27`).
    pub fn spec_stem(&self) -> &'static str {
        self.spec_file.trim_end_matches(".yaml")
    }
}

/// Every contract the mock serves: each provider's own, then the further
/// ones on the same paths (Commet's current API), from the one list of providers.
pub fn contracts() -> impl Iterator<Item = Contract> {
    crate::providers::CONTRACTS.iter().map(|facts| Contract {
        provider: facts.provider,
        spec_file: facts.spec_file,
        version: facts.version,
    })
}

/// The OpenAPI 3.1 document the mock emits for one provider, as JSON.
pub fn emitted(provider: crate::Provider) -> Value {
    (*provider.contract().emitted()).clone()
}

/// The document the mock emits for the contract of one hand-written spec
/// (its file stem: a provider's name, or `commet-2026-08-27`), if the mock
/// serves it.
pub fn emitted_for_spec(spec_stem: &str) -> Option<Value> {
    crate::providers::CONTRACTS
        .iter()
        .find(|contract| contract.spec_stem() == spec_stem)
        .map(|contract| (*contract.emitted()).clone())
}

/// The document the handlers' annotations make now for the contract of
/// one hand-written spec (feature `openapi`): what `cargo xtask generate`
/// commits as [`emitted_for_spec`], and `cargo xtask check` holds equal to it.
#[cfg(feature = "openapi")]
pub fn emit_for_spec(spec_stem: &str) -> Option<Value> {
    crate::providers::CONTRACTS
        .iter()
        .find(|contract| contract.spec_stem() == spec_stem)
        .map(|contract| contract.emit())
}

/// Whether `path` fits an OpenAPI path template such as `/webhooks/{webhookId}.json`.
pub fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, s)| crate::kernel::operations::segment_matches(t, s))
}
