//! The mock's emitted OpenAPI (3.1, from utoipa) agrees with the hand-written
//! 3.0.3 spec: both are normalised (refs resolved, `allOf`s merged, nullability
//! made one flag, prose and examples dropped, parameters keyed by `in:name`,
//! `required` and `enum` sorted) and compared; each difference is named by
//! its JSON pointer into the normalised document.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::Problem;
use crate::spec::{LoadedSpec, METHODS};
use webhooks_mock::openapi::merge_all_of;

/// Differences that cannot be removed, each with its reason. An entry that
/// no longer matches a difference is reported too, so the list stays exact.
pub const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[];

/// Compares the mock's document for the spec's contract, `emitted`, with the spec.
pub fn check_agreement(spec: &LoadedSpec, emitted: &Value) -> Vec<Problem> {
    compare(spec.provider.spec_file, &spec.json, emitted)
}

/// Every difference between the normalised `hand_written` and `emitted`
/// documents, less the known ones, plus known ones that did not occur.
pub fn compare(spec_file: &str, hand_written: &Value, emitted: &Value) -> Vec<Problem> {
    let file = format!("openapi/{spec_file}");
    let left = normalise_document(hand_written);
    let right = normalise_document(emitted);
    let mut differences = Vec::new();
    diff(&left, &right, String::new(), &mut differences);
    let known: Vec<_> = KNOWN_DIFFERENCES
        .iter()
        .filter(|(f, _, _)| *f == spec_file)
        .collect();
    let mut problems = Vec::new();
    for (pointer, what) in &differences {
        if !known.iter().any(|(_, p, _)| p == pointer) {
            problems.push(Problem::new(
                &file,
                format!("the mock disagrees with the spec at {pointer}: {what}"),
            ));
        }
    }
    for (_, pointer, reason) in known {
        if !differences.iter().any(|(p, _)| p == pointer) {
            problems.push(Problem::new(
                &file,
                format!("listed difference no longer occurs (remove it): {pointer} ({reason})"),
            ));
        }
    }
    problems
}

fn diff(left: &Value, right: &Value, pointer: String, out: &mut Vec<(String, String)>) {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            let keys: std::collections::BTreeSet<&String> = l.keys().chain(r.keys()).collect();
            for key in keys {
                let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (l.get(key), r.get(key)) {
                    (Some(a), Some(b)) => diff(a, b, child, out),
                    (Some(a), None) => out.push((child, format!("only the spec has {}", short(a)))),
                    (None, Some(b)) => out.push((child, format!("only the mock has {}", short(b)))),
                    (None, None) => {}
                }
            }
        }
        _ if left == right => {}
        _ => out.push((
            pointer,
            format!(
                "the spec has {}, the mock has {}",
                short(left),
                short(right)
            ),
        )),
    }
}

/// A value as JSON, cut to a readable length.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The comparable core of a document: `{paths: {path: {method: operation}},
/// securitySchemes, examples}`.
pub fn normalise_document(doc: &Value) -> Value {
    let mut paths = Map::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let shared_params = item.get("parameters").cloned().unwrap_or(json!([]));
        let mut methods = Map::new();
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                methods.insert(
                    method.to_string(),
                    normalise_operation(doc, op, &shared_params),
                );
            }
        }
        paths.insert(path.clone(), Value::Object(methods));
    }
    // How keys are presented: type, scheme, place and header name (prose dropped).
    let mut schemes = Map::new();
    let declared = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    for (name, scheme) in declared.into_iter().flatten() {
        let kept: Map<String, Value> = ["type", "scheme", "in", "name"]
            .into_iter()
            .filter_map(|key| {
                let value = scheme.get(key)?.as_str()?;
                let value = if key == "scheme" {
                    value.to_ascii_lowercase()
                } else {
                    value.to_string()
                };
                Some((key.to_string(), Value::String(value)))
            })
            .collect();
        schemes.insert(name.clone(), Value::Object(kept));
    }
    json!({ "paths": paths, "securitySchemes": schemes, "examples": examples(doc) })
}

/// Every operation's examples (request body, responses, parameters), keyed by
/// where they stand, `$ref`s resolved: the docs page must show the docs' own.
fn examples(doc: &Value) -> Value {
    let resolve = |value: &Value| -> Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix('#')
                .and_then(|p| doc.pointer(p))
                .cloned()
                .unwrap_or(Value::Null),
            None => value.clone(),
        }
    };
    // A media type's `example`, and each of its named `examples` (by name).
    let json_examples = |value: &Value| -> Vec<(String, Value)> {
        let media = resolve(value)
            .pointer("/content/application~1json")
            .cloned()
            .unwrap_or(Value::Null);
        let mut found: Vec<(String, Value)> = media
            .get("example")
            .map(|e| (String::new(), e.clone()))
            .into_iter()
            .collect();
        for (name, example) in media["examples"].as_object().into_iter().flatten() {
            found.push((format!(" {name}"), example["value"].clone()));
        }
        found
    };
    let mut out = Map::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let shared = item["parameters"].as_array().cloned().unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            for (name, example) in op.get("requestBody").map(json_examples).unwrap_or_default() {
                out.insert(format!("{at} request{name}"), example);
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                for (name, example) in json_examples(response) {
                    out.insert(format!("{at} response {status}{name}"), example);
                }
            }
            let own = op["parameters"].as_array().cloned().unwrap_or_default();
            for parameter in shared.iter().chain(&own).map(&resolve) {
                if let Some(example) = parameter.get("example") {
                    let name = format!(
                        "{}:{}",
                        parameter["in"].as_str().unwrap_or(""),
                        parameter["name"].as_str().unwrap_or("")
                    );
                    out.insert(format!("{at} parameter {name}"), example.clone());
                }
            }
        }
    }
    Value::Object(out)
}

fn normalise_operation(doc: &Value, op: &Value, shared_params: &Value) -> Value {
    let mut params = BTreeMap::new();
    let all = shared_params.as_array().into_iter().flatten().chain(
        op.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for param in all {
        let param = resolve(doc, param);
        let location = param.get("in").and_then(Value::as_str).unwrap_or("?");
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        // Header names are case-insensitive.
        let name = if location == "header" {
            name.to_ascii_lowercase()
        } else {
            name.to_string()
        };
        let mut schema = normalise_schema(doc, param.get("schema").unwrap_or(&json!({})), 0);
        // An optional parameter's nullability means nothing on the wire.
        if let Some(map) = schema.as_object_mut() {
            map.remove("nullable");
        }
        params.insert(
            format!("{location}:{name}"),
            json!({
                "required": param.get("required").and_then(Value::as_bool).unwrap_or(false),
                "schema": schema,
            }),
        );
    }
    let mut out = Map::new();
    out.insert(
        "operationId".into(),
        op.get("operationId").cloned().unwrap_or(Value::Null),
    );
    out.insert("parameters".into(), json!(params));
    if let Some(body) = op.get("requestBody") {
        let body = resolve(doc, body);
        out.insert(
            "requestBody".into(),
            json!({
                "required": body.get("required").and_then(Value::as_bool).unwrap_or(false),
                "content": normalise_content(doc, body.get("content")),
            }),
        );
    }
    let mut responses = Map::new();
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let response = resolve(doc, response);
        responses.insert(
            status.clone(),
            normalise_content(doc, response.get("content")),
        );
    }
    out.insert("responses".into(), Value::Object(responses));
    Value::Object(out)
}

fn normalise_content(doc: &Value, content: Option<&Value>) -> Value {
    let mut out = Map::new();
    for (media, media_type) in content.and_then(Value::as_object).into_iter().flatten() {
        let schema = media_type.get("schema").unwrap_or(&Value::Null);
        out.insert(media.clone(), normalise_schema(doc, schema, 0));
    }
    Value::Object(out)
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(target) => current = target,
                None => return current,
            },
            None => break,
        }
    }
    current
}

/// Keywords that carry no constraint.
const PROSE: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "xml",
    "deprecated",
    "readOnly",
    "writeOnly",
    "discriminator",
    "$schema",
];

fn normalise_schema(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 32 {
        return json!("<too deep>");
    }
    let schema = resolve(doc, schema);
    let Some(map) = schema.as_object() else {
        return schema.clone();
    };
    // utoipa writes `Option<T>` for a named T as `oneOf: [{type: null}, T]`.
    for combinator in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get(combinator) {
            let (nulls, others): (Vec<&Value>, Vec<&Value>) = branches
                .iter()
                .partition(|b| resolve(doc, b).get("type") == Some(&json!("null")));
            if nulls.len() == 1 && others.len() == 1 {
                let mut inner = normalise_schema(doc, others[0], depth + 1);
                if let Some(m) = inner.as_object_mut() {
                    m.insert("nullable".into(), json!(true));
                }
                return inner;
            }
        }
    }
    let mut out = Map::new();
    let mut nullable = map.get("nullable") == Some(&json!(true));
    for (key, value) in map {
        if PROSE.contains(&key.as_str()) || key.starts_with("x-") || key == "nullable" {
            continue;
        }
        let normalised = match key.as_str() {
            "type" => match value {
                Value::Array(types) => {
                    let mut rest: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                    nullable |= rest.len() < types.len();
                    match rest.len() {
                        1 => rest.remove(0).clone(),
                        _ => Value::Array(rest.into_iter().cloned().collect()),
                    }
                }
                other => other.clone(),
            },
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), normalise_schema(doc, v, depth + 1)))
                    .collect(),
            ),
            "items" | "not" => normalise_schema(doc, value, depth + 1),
            "additionalProperties" if value.is_object() => normalise_schema(doc, value, depth + 1),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| normalise_schema(doc, v, depth + 1))
                    .collect(),
            ),
            "required" | "enum" => {
                let mut items: Vec<Value> = value.as_array().cloned().unwrap_or_default();
                items.retain(|v| !v.is_null());
                items.sort_by_key(|v| v.to_string());
                Value::Array(items)
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), normalised);
    }
    merge_all_of(&mut out);
    // JSON object keys are always strings: utoipa spells it out, 3.0 cannot.
    if out.get("propertyNames") == Some(&json!({"type": "string"})) {
        out.remove("propertyNames");
    }
    if nullable {
        out.insert("nullable".into(), json!(true));
    }
    Value::Object(out)
}
