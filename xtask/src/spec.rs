//! Loading the hand-written specs and checking their structure.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use crate::Problem;
use crate::providers::{PROVIDERS, Provider};

/// The official OpenAPI 3.0 JSON Schema (OAI, 2019-04-02), vendored so the
/// check works offline.
const OAS_30_SCHEMA: &str = include_str!("oas-3.0-schema.json");

/// HTTP methods an OpenAPI path item may hold.
pub use webhooks_mock::openapi::METHODS;

/// A provider's spec, read and parsed.
pub struct LoadedSpec {
    /// Which provider it describes.
    pub provider: Provider,
    /// The document as JSON.
    pub json: Value,
}

impl LoadedSpec {
    /// `openapi/<file>`, for messages.
    pub fn name(&self) -> String {
        self.provider.spec_path()
    }

    /// Follows a local `$ref` (`#/components/...`), returning the target.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Result<&'a Value, String> {
        webhooks_mock::openapi::resolve(&self.json, value)
    }

    /// Every `(path, method, operation)` in document order.
    pub fn operations(&self) -> Vec<(&str, &str, &Value)> {
        let mut out = Vec::new();
        if let Some(paths) = self.json.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in METHODS {
                    if let Some(op) = item.get(*method) {
                        out.push((path.as_str(), *method, op));
                    }
                }
            }
        }
        out
    }
}

/// Reads and parses every provider's spec under `root`.
pub fn load_all(root: &Path) -> Result<Vec<LoadedSpec>, Vec<Problem>> {
    let mut specs = Vec::new();
    let mut problems = Vec::new();
    for provider in PROVIDERS {
        let name = provider.spec_path();
        let text = match std::fs::read_to_string(root.join(&name)) {
            Ok(text) => text,
            Err(e) => {
                problems.push(Problem::new(&name, format!("cannot read: {e}")));
                continue;
            }
        };
        match yaml_serde::from_str::<Value>(&text) {
            Ok(json) => specs.push(LoadedSpec {
                provider: *provider,
                json,
            }),
            Err(e) => problems.push(Problem::new(&name, format!("not valid YAML: {e}"))),
        }
    }
    if problems.is_empty() {
        Ok(specs)
    } else {
        Err(problems)
    }
}

/// The spec is OpenAPI 3.0.x: the version field, the official 3.0 JSON Schema,
/// progenitor's parser, and every `$ref` resolving.
pub fn check_structure(spec: &LoadedSpec) -> Vec<Problem> {
    let name = spec.name();
    let mut problems = Vec::new();
    match spec.json.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0.") => {}
        other => problems.push(Problem::new(
            &name,
            format!("`openapi` must be 3.0.x (progenitor reads no other), found {other:?}"),
        )),
    }
    let validator = oas_validator();
    for error in validator.iter_errors(&spec.json) {
        problems.push(Problem::new(
            &name,
            format!(
                "not valid OpenAPI 3.0 at {}: {error}",
                display_pointer(&error.instance_path().to_string())
            ),
        ));
    }
    #[cfg(feature = "codegen")]
    if let Err(e) = serde_json::from_value::<openapiv3::OpenAPI>(spec.json.clone()) {
        problems.push(Problem::new(
            &name,
            format!("not a parseable OpenAPI document: {e}"),
        ));
    }
    let mut refs = Vec::new();
    collect_refs(&spec.json, &mut refs);
    for reference in refs {
        if let Err(e) = spec.resolve(&serde_json::json!({ "$ref": reference })) {
            problems.push(Problem::new(&name, e));
        }
    }
    problems
}

/// Every operation has a unique `operationId`, a summary and a description.
pub fn check_operations(spec: &LoadedSpec) -> Vec<Problem> {
    let name = spec.name();
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (path, method, op) in spec.operations() {
        let here = format!("{} {path}", method.to_uppercase());
        match op.get("operationId").and_then(Value::as_str) {
            None | Some("") => {
                problems.push(Problem::new(&name, format!("{here} has no operationId")))
            }
            Some(id) => {
                if let Some(first) = seen.insert(id, here.clone()) {
                    problems.push(Problem::new(
                        &name,
                        format!("operationId `{id}` is used by both {first} and {here}"),
                    ));
                }
            }
        }
        for field in ["summary", "description"] {
            if op
                .get(field)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                problems.push(Problem::new(&name, format!("{here} has no {field}")));
            }
        }
    }
    problems
}

fn oas_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(OAS_30_SCHEMA).expect("vendored schema is JSON");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .expect("vendored OpenAPI 3.0 schema compiles")
    })
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(s)) => out.push(s.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// `/a/b` or `` (the root) as something readable.
pub fn display_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        "the document root".into()
    } else {
        format!("#{pointer}")
    }
}
