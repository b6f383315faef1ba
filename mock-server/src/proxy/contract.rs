//! One hand-written spec as the proxy reads it: its operations, and the
//! checks of a request and of a response against them, each violation with
//! a JSON pointer and the `x-inferred` guess it refutes, and every inferred
//! part an answer exercised without a violation (a confirmation).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Method};
use serde_json::{Value, json};

use super::report::{Direction, Inferred, Violation, redact_json};
use crate::kernel::provider::HandWritten;
use crate::openapi::{self, escape};

/// Whether the SDK reads a value that breaks `keyword` (it drops value
/// constraints and string formats from response schemas).
pub(super) fn sdk_tolerates(keyword: &str) -> bool {
    keyword == "format" || openapi::VALUE_CONSTRAINTS.contains(&keyword)
}

/// A documented operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its `operationId`.
    pub id: String,
    pub(super) method: Method,
    pub(super) template: String,
    /// `/paths/<template>/<method>`.
    pub(super) at: String,
    /// `/paths/<template>`.
    pub(super) path_at: String,
}

/// One exchange, as the proxy saw it (paths relative to the base path).
pub struct Exchange<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub request_headers: &'a HeaderMap,
    pub request_body: &'a [u8],
    pub status: u16,
    pub response_headers: &'a HeaderMap,
    pub response_body: &'a [u8],
}

/// What checking a response found: its violations, and the inferred parts
/// it confirmed and refuted (by their pointers in the spec).
#[derive(Debug, Default)]
pub struct Checked {
    pub violations: Vec<Violation>,
    pub confirmed: BTreeSet<String>,
    pub refuted: BTreeSet<String>,
}

/// A hand-written spec, ready to check traffic against.
pub struct Contract {
    /// Its file name.
    pub file: &'static str,
    /// The document.
    pub root: Value,
    /// Its `x-inferred` marks, and where each is in that list.
    pub marks: Vec<openapi::Inference>,
    mark_at: HashMap<String, usize>,
    applies: fn(&HeaderMap) -> bool,
    operations: Vec<Operation>,
    /// Compiled schemas, by where they are in the spec.
    validators: Mutex<HashMap<String, Arc<(Value, jsonschema::Validator)>>>,
}

impl Contract {
    /// Reads `spec`.
    pub fn new(spec: &HandWritten) -> Result<Self, String> {
        let root = openapi::parse_yaml(spec.spec).map_err(|e| format!("{}: {e}", spec.file))?;
        let mut operations = Vec::new();
        for (template, item) in root["paths"].as_object().into_iter().flatten() {
            for method in openapi::METHODS {
                let Some(op) = item.get(*method) else {
                    continue;
                };
                operations.push(Operation {
                    id: op["operationId"].as_str().unwrap_or_default().to_string(),
                    method: method.to_uppercase().parse().expect("an HTTP method"),
                    template: template.clone(),
                    at: format!("/paths/{}/{method}", escape(template)),
                    path_at: format!("/paths/{}", escape(template)),
                });
            }
        }
        // Literal segments before parameters: `/webhooks/types` before `/webhooks/{id}`.
        operations.sort_by_key(|op| op.template.matches('{').count());
        let marks = openapi::inferences(&root);
        let mark_at = marks
            .iter()
            .enumerate()
            .map(|(n, m)| (m.at.clone(), n))
            .collect();
        Ok(Self {
            file: spec.file,
            root,
            marks,
            mark_at,
            applies: spec.applies,
            operations,
            validators: Mutex::default(),
        })
    }

    /// Whether a request with `headers` is for this contract.
    pub fn applies(&self, headers: &HeaderMap) -> bool {
        (self.applies)(headers)
    }

    /// The operation `method` `path` is, if documented.
    pub fn find(&self, method: &Method, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.method == *method && crate::openapi::template_matches(&op.template, path))
    }

    pub(super) fn node(&self, at: &str) -> &Value {
        self.root.pointer(at).unwrap_or(&Value::Null)
    }

    pub(super) fn inferred(&self, at: &str) -> Option<Inferred> {
        let mark = &self.marks[*self.mark_at.get(at)?];
        Some(Inferred {
            at: mark.at.clone(),
            item: mark.item.clone(),
            text: mark.reason.clone(),
        })
    }

    pub(super) fn violation(
        &self,
        op: Option<&Operation>,
        exchange: &Exchange,
        direction: Direction,
    ) -> Violation {
        Violation {
            spec: self.file,
            operation: op.map(|op| op.id.clone()),
            method: exchange.method.to_string(),
            path: exchange.path.to_string(),
            direction,
            status: (direction == Direction::Response).then_some(exchange.status),
            part: "",
            pointer: String::new(),
            expected: String::new(),
            found: String::new(),
            sdk_reads: None,
            x_inferred: None,
        }
    }

    /// The schema at `at`, converted and compiled once.
    pub(super) fn validator(
        &self,
        at: &str,
    ) -> Result<Arc<(Value, jsonschema::Validator)>, String> {
        let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = cache.get(at) {
            return Ok(found.clone());
        }
        let schema = openapi::to_json_schema(&self.root, self.node(at), at, false)?;
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| format!("{at}: the schema does not compile: {e}"))?;
        let compiled = Arc::new((schema, validator));
        cache.insert(at.to_string(), compiled.clone());
        Ok(compiled)
    }

    /// The violations of `instance` against the schema at `at` (each with
    /// the inferred part it refutes), and the inferred parts it reached.
    pub(super) fn check_body(
        &self,
        at: &str,
        instance: &Value,
        template: &Violation,
        checked: &mut Checked,
    ) {
        let compiled = match self.validator(at) {
            Ok(compiled) => compiled,
            Err(why) => {
                tracing::warn!("{}: {why}", self.file);
                return;
            }
        };
        let (schema, validator) = &*compiled;
        // Redacted only if a violation needs to quote the body.
        let mut redacted = None;
        let mut refuted_here = BTreeSet::new();
        for error in validator.iter_errors(instance) {
            let pointer = error.instance_path().to_string();
            let keyword_at = error.schema_path().to_string();
            let keyword = error.kind().keyword().to_string();
            let owner_at = keyword_at.rsplit_once('/').map_or("", |(owner, _)| owner);
            let owner = schema.pointer(owner_at).unwrap_or(&Value::Null);
            let mut marks = vec![owner];
            if let jsonschema::error::ValidationErrorKind::Required { property } = error.kind() {
                marks.extend(property.as_str().and_then(|p| owner["properties"].get(p)));
            }
            // A nullable schema is wrapped in `anyOf: [null, schema]`.
            marks.extend(owner["anyOf"].as_array().into_iter().flatten());
            let x_inferred = marks
                .iter()
                .find_map(|m| m["x-inferred"]["at"].as_str())
                .and_then(|at| self.inferred(at));
            let unchecked = marks.iter().any(|m| m["x-sdk-unchecked"] == json!(true));
            if let Some(inferred) = &x_inferred {
                refuted_here.insert(inferred.at.clone());
            }
            let found = redacted
                .get_or_insert_with(|| redact_json(instance))
                .pointer(&pointer)
                .map_or_else(|| "nothing".to_string(), short);
            checked.violations.push(Violation {
                part: "body",
                pointer,
                expected: error.masked().to_string(),
                found,
                sdk_reads: template
                    .sdk_reads
                    .map(|_| sdk_tolerates(&keyword) || unchecked),
                x_inferred,
                ..template.clone()
            });
        }
        let mut reached = BTreeSet::new();
        reach(schema, instance, &mut reached);
        checked
            .confirmed
            .extend(reached.difference(&refuted_here).cloned());
        checked.refuted.extend(refuted_here);
    }
}

/// The inferred parts of `schema` that `instance` has: for objects the
/// fields present, for arrays every item, for choices the branches of the
/// instance's type.
pub(super) fn reach(schema: &Value, instance: &Value, out: &mut BTreeSet<String>) {
    if let Some(at) = schema["x-inferred"]["at"].as_str() {
        out.insert(at.to_string());
    }
    if let (Some(properties), Some(object)) =
        (schema["properties"].as_object(), instance.as_object())
    {
        for (name, value) in object {
            if let Some(property) = properties.get(name) {
                reach(property, value, out);
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), instance.as_array()) {
        for item in array {
            reach(items, item, out);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in schema[key].as_array().into_iter().flatten() {
            if fits_type(branch, instance) {
                reach(branch, instance, out);
            }
        }
    }
}

/// Whether `instance` has the type `schema` names (or it names none).
pub(super) fn fits_type(schema: &Value, instance: &Value) -> bool {
    let name = match instance {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    match &schema["type"] {
        Value::String(t) => t == name || (t == "number" && name == "integer"),
        Value::Array(types) => types.iter().any(|t| t == name),
        _ => true,
    }
}

/// A parameter's text as the JSON value its schema types it as.
pub(super) fn typed_parameter(schema: &Value, text: &str) -> Value {
    match schema["type"].as_str() {
        Some("integer") | Some("number") => {
            serde_json::from_str(text).unwrap_or_else(|_| json!(text))
        }
        Some("boolean") => match text {
            "true" => json!(true),
            "false" => json!(false),
            _ => json!(text),
        },
        _ => json!(text),
    }
}

/// The values of `template`'s parameters in `path` (which fits it).
pub(super) fn path_parameters(template: &str, path: &str) -> Vec<(String, String)> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(t, segment)| {
            let (open, close) = (t.find('{')?, t.rfind('}')?);
            let value = segment
                .strip_prefix(&t[..open])?
                .strip_suffix(&t[close + 1..])?;
            Some((t[open + 1..close].to_string(), value.to_string()))
        })
        .collect()
}

/// The media type of a message (`application/json`), without parameters.
pub(super) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    )
}

/// A value as short JSON text, for a report line.
pub(super) fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 200 {
        format!("{}…", text.chars().take(200).collect::<String>())
    } else {
        text
    }
}
