//! The view of a spec the SDK is generated from: requests keep every
//! constraint, responses lose the ones that would make a reply the provider
//! already acted on fail to parse (pattern, length, string format, bounds).
//!
//! A response is the provider telling what it did: refusing it because an ID
//! grew a new prefix, or a date has another precision, would throw away a
//! created endpoint and its once-only secret. The hand-written spec keeps the
//! documented constraints; only the generator's input is relaxed.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::spec::METHODS;

use webhooks_mock::openapi::VALUE_CONSTRAINTS;

/// `spec` with every schema reached only from responses relaxed, and every
/// reference from a response to a constrained schema that requests also use
/// replaced by a relaxed copy. Fails on a shared constrained schema that
/// itself holds references (none of the five specs has one).
pub fn lenient_responses(spec: &Value) -> Result<Value, String> {
    let mut out = spec.clone();
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for item in spec["paths"].as_object().into_iter().flat_map(Map::values) {
        request_roots.extend(item.get("parameters").cloned());
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            request_roots.extend(op.get("parameters").cloned());
            request_roots.extend(op.get("requestBody").cloned());
            response_roots.extend(op.get("responses").cloned());
        }
    }
    let strict = reached(spec, &request_roots);
    let loose = reached(spec, &response_roots);
    let shared: BTreeSet<String> = loose
        .intersection(&strict)
        .filter(|name| constrained(&spec["components"]["schemas"][name.as_str()]))
        .cloned()
        .collect();
    for name in &shared {
        if holds_ref(&spec["components"]["schemas"][name.as_str()]) {
            return Err(format!(
                "schema {name} is constrained, used by requests and responses, and holds \
                 references: the generator cannot relax it for responses"
            ));
        }
    }
    let schemas = out["components"]["schemas"]
        .as_object_mut()
        .ok_or("no components.schemas")?;
    let originals = schemas.clone();
    for name in loose.difference(&strict) {
        if let Some(schema) = schemas.get_mut(name) {
            relax(schema, &shared, &originals);
        }
    }
    // Inline response schemas and the responses declared under components.
    for item in out["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|m| m.values_mut())
    {
        for method in METHODS {
            let responses = item.get_mut(*method).and_then(|op| op.get_mut("responses"));
            for response in responses
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|m| m.values_mut())
            {
                relax_content(response, &shared, &originals);
            }
        }
    }
    if let Some(responses) = out["components"].get_mut("responses") {
        for response in responses
            .as_object_mut()
            .into_iter()
            .flat_map(|m| m.values_mut())
        {
            relax_content(response, &shared, &originals);
        }
    }
    unchecked(&mut out);
    any_success_where_inferred(&mut out);
    Ok(out)
}

/// Answers every success status the spec marks `x-inferred` with a `2XX`
/// response instead (taking in the other 2xx statuses with the same body):
/// the provider never printed that status, so another 2xx carrying the same
/// body is success too, not an error the caller must untangle.
fn any_success_where_inferred(spec: &mut Value) {
    for item in spec["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|m| m.values_mut())
    {
        for method in METHODS {
            let Some(responses) = item
                .get_mut(*method)
                .and_then(|op| op.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let inferred = responses
                .iter()
                .find(|(status, response)| {
                    status.starts_with('2') && response.get("x-inferred").is_some()
                })
                .map(|(_, response)| response.clone());
            if let Some(response) = inferred {
                let body = body_schemas(&response);
                responses.retain(|status, other| {
                    !(status.starts_with('2') && body_schemas(other) == body)
                });
                responses.insert("2XX".to_string(), response);
            }
        }
    }
}

/// Drops `enum` and the value constraints from every schema marked
/// `x-sdk-unchecked: true`: the spec keeps what the docs name and the mock
/// enforces (for the fuzzer and readers), while the SDK sends any value of
/// the type, so a value the provider adds later still goes through.
fn unchecked(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("x-sdk-unchecked") == Some(&Value::Bool(true)) {
                map.remove("enum");
                for keyword in VALUE_CONSTRAINTS {
                    map.remove(*keyword);
                }
            }
            map.values_mut().for_each(unchecked);
        }
        Value::Array(items) => items.iter_mut().for_each(unchecked),
        _ => {}
    }
}

/// A response's schema for each media type (its examples aside).
fn body_schemas(response: &Value) -> Vec<(&String, Option<&Value>)> {
    response
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(media, content)| (media, content.get("schema")))
        .collect()
}

fn relax_content(response: &mut Value, shared: &BTreeSet<String>, originals: &Map<String, Value>) {
    for media in response
        .get_mut("content")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|m| m.values_mut())
    {
        if let Some(schema) = media.get_mut("schema") {
            relax(schema, shared, originals);
        }
    }
}

/// Names of the component schemas reachable from `roots`, following
/// `$ref`s through parameters, request bodies, responses and schemas.
fn reached(spec: &Value, roots: &[Value]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<Value> = roots.to_vec();
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if let Some(name) = reference.strip_prefix("#/components/schemas/")
                        && !seen.insert(name.to_string())
                    {
                        continue;
                    }
                    if let Some(target) = reference.strip_prefix('#').and_then(|p| spec.pointer(p))
                    {
                        stack.push(target.clone());
                    }
                }
                stack.extend(map.into_iter().map(|(_, v)| v));
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    seen
}

/// Whether a schema (not following references) rejects some values of its type.
fn constrained(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => {
            VALUE_CONSTRAINTS.iter().any(|k| map.contains_key(*k))
                || (map.get("type") == Some(&Value::from("string")) && map.contains_key("format"))
                || map.values().any(constrained)
        }
        Value::Array(items) => items.iter().any(constrained),
        _ => false,
    }
}

fn holds_ref(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => map.contains_key("$ref") || map.values().any(holds_ref),
        Value::Array(items) => items.iter().any(holds_ref),
        _ => false,
    }
}

/// Drops value constraints in place; a reference to a shared constrained
/// schema becomes a relaxed copy of it.
fn relax(schema: &mut Value, shared: &BTreeSet<String>, originals: &Map<String, Value>) {
    match schema {
        Value::Object(map) => {
            let target = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .filter(|name| shared.contains(*name))
                .map(str::to_string);
            if let Some(name) = target {
                let mut copy = originals[&name].clone();
                relax(&mut copy, shared, originals);
                *schema = copy;
                return;
            }
            for key in VALUE_CONSTRAINTS {
                map.remove(*key);
            }
            if map.get("type") == Some(&Value::from("string")) {
                map.remove("format");
            }
            for value in map.values_mut() {
                relax(value, shared, originals);
            }
        }
        Value::Array(items) => {
            for item in items {
                relax(item, shared, originals);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn responses_lose_constraints_and_requests_keep_them() {
        let spec = json!({
            "paths": {"/x/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"$ref": "#/components/schemas/Id"}}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
                }
            }},
            "components": {"schemas": {
                "Id": {"type": "string", "pattern": "^wh_[a-z]{4}$"},
                "In": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3}}},
                "Out": {"type": "object", "properties": {
                    "id": {"$ref": "#/components/schemas/Id"},
                    "at": {"type": "string", "format": "date-time"},
                    "n": {"type": "integer", "format": "int64", "minimum": 1}
                }}
            }}
        });
        let relaxed = lenient_responses(&spec).unwrap();
        let schemas = &relaxed["components"]["schemas"];
        assert_eq!(
            schemas["Id"]["pattern"], "^wh_[a-z]{4}$",
            "the path parameter keeps it"
        );
        assert_eq!(schemas["In"]["properties"]["name"]["maxLength"], 3);
        let out = &schemas["Out"]["properties"];
        assert_eq!(out["id"], json!({"type": "string"}));
        assert_eq!(out["at"], json!({"type": "string"}));
        assert_eq!(out["n"], json!({"type": "integer", "format": "int64"}));
    }

    #[test]
    fn unchecked_request_schemas_lose_enum_and_constraints_and_others_keep_them() {
        let spec = json!({
            "paths": {"/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "responses": {}
            }}},
            "components": {"schemas": {"In": {"type": "object", "properties": {
                "event": {"type": "string", "enum": ["a.b"], "x-sdk-unchecked": true},
                "url": {"type": "string", "pattern": "^https://", "minLength": 9, "x-sdk-unchecked": true},
                "kind": {"type": "string", "enum": ["x"], "pattern": "^x$"}
            }}}}
        });
        let relaxed = lenient_responses(&spec).unwrap();
        let properties = &relaxed["components"]["schemas"]["In"]["properties"];
        assert_eq!(
            properties["event"],
            json!({"type": "string", "x-sdk-unchecked": true})
        );
        assert_eq!(
            properties["url"],
            json!({"type": "string", "x-sdk-unchecked": true})
        );
        assert_eq!(
            properties["kind"],
            spec["components"]["schemas"]["In"]["properties"]["kind"]
        );
    }
}
