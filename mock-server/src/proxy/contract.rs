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
fn sdk_tolerates(keyword: &str) -> bool {
    keyword == "format" || openapi::VALUE_CONSTRAINTS.contains(&keyword)
}

/// A documented operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its `operationId`.
    pub id: String,
    method: Method,
    template: String,
    /// `/paths/<template>/<method>`.
    at: String,
    /// `/paths/<template>`.
    path_at: String,
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

    fn node(&self, at: &str) -> &Value {
        self.root.pointer(at).unwrap_or(&Value::Null)
    }

    fn inferred(&self, at: &str) -> Option<Inferred> {
        let mark = &self.marks[*self.mark_at.get(at)?];
        Some(Inferred {
            at: mark.at.clone(),
            item: mark.item.clone(),
            text: mark.reason.clone(),
        })
    }

    fn violation(
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
    fn validator(&self, at: &str) -> Result<Arc<(Value, jsonschema::Validator)>, String> {
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
    fn check_body(&self, at: &str, instance: &Value, template: &Violation, checked: &mut Checked) {
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

    /// Checks a request: a documented operation, its parameters, its body.
    pub fn check_request(&self, op: Option<&Operation>, exchange: &Exchange) -> Vec<Violation> {
        let template = self.violation(op, exchange, Direction::Request);
        let Some(op) = op else {
            return vec![Violation {
                part: "path",
                expected: "a documented operation".into(),
                found: format!("{} {}", exchange.method, exchange.path),
                ..template
            }];
        };
        let mut checked = Checked::default();
        let (node, item) = (self.node(&op.at), self.node(&op.path_at));
        let params: Vec<(String, &Value)> = [(&op.path_at, item), (&op.at, node)]
            .into_iter()
            .flat_map(|(at, holder)| {
                holder["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(move |(i, p)| (format!("{at}/parameters/{i}"), p))
            })
            .collect();
        let query: Vec<(String, String)> = exchange
            .query
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        let path_values = path_parameters(&op.template, exchange.path);
        let mut declared_query = Vec::new();
        for (at, param) in params {
            let Ok((param, at)) = openapi::resolve_at(&self.root, param, &at) else {
                continue;
            };
            let (name, place) = (
                param["name"].as_str().unwrap_or_default(),
                param["in"].as_str().unwrap_or_default(),
            );
            let value = match place {
                "path" => path_values
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone()),
                "query" => {
                    declared_query.push(name.to_string());
                    query
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.clone())
                }
                "header" => exchange
                    .request_headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                _ => continue,
            };
            let Some(value) = value else {
                if param["required"] == json!(true) {
                    checked.violations.push(Violation {
                        part: "parameter",
                        pointer: format!("/{place}/{}", escape(name)),
                        expected: format!("the required {place} parameter {name}"),
                        found: "nothing".into(),
                        x_inferred: self.inferred(&at),
                        ..template.clone()
                    });
                }
                continue;
            };
            let schema_at = format!("{at}/schema");
            let instance = typed_parameter(
                &openapi::resolve(&self.root, self.node(&schema_at))
                    .cloned()
                    .unwrap_or_default(),
                &value,
            );
            let before = checked.violations.len();
            self.check_body(&schema_at, &instance, &template, &mut checked);
            for violation in &mut checked.violations[before..] {
                violation.part = "parameter";
                violation.pointer = format!("/{place}/{}{}", escape(name), violation.pointer);
            }
        }
        for (name, value) in &query {
            if !declared_query.contains(name) {
                checked.violations.push(Violation {
                    part: "parameter",
                    pointer: format!("/query/{}", escape(name)),
                    expected: format!("only the documented query parameters {declared_query:?}"),
                    found: short(&redact_json(&json!({ name.as_str(): value }))[name.as_str()]),
                    ..template.clone()
                });
            }
        }
        let body_at = format!("{}/requestBody", op.at);
        if let Ok((body, body_at)) = openapi::resolve_at(&self.root, self.node(&body_at), &body_at)
            && body.is_object()
            && !exchange.request_body.is_empty()
        {
            self.check_content(
                &body_at,
                body,
                exchange.request_headers,
                exchange.request_body,
                &template,
                &mut checked,
            );
        }
        checked.violations
    }

    /// The content-type and body checks of a request body or a response
    /// (`holder` at `at` declares `content`).
    fn check_content(
        &self,
        at: &str,
        holder: &Value,
        headers: &HeaderMap,
        body: &[u8],
        template: &Violation,
        checked: &mut Checked,
    ) {
        let Some(content) = holder["content"].as_object().filter(|c| !c.is_empty()) else {
            return;
        };
        let sent = media_type(headers);
        let declared: Vec<&String> = content.keys().collect();
        let media = match declared
            .iter()
            .find(|m| Some(m.as_str()) == sent.as_deref())
        {
            Some(media) => media.as_str(),
            None => {
                checked.violations.push(Violation {
                    part: "content-type",
                    expected: format!("one of {declared:?}"),
                    found: sent.clone().unwrap_or_else(|| "none".into()),
                    x_inferred: self.inferred(at),
                    sdk_reads: template.sdk_reads.map(|_| false),
                    ..template.clone()
                });
                if let Some(inferred) = self.inferred(at) {
                    checked.refuted.insert(inferred.at);
                }
                return;
            }
        };
        if !media.contains("json") {
            return;
        }
        let Ok(instance) = serde_json::from_slice::<Value>(body) else {
            checked.violations.push(Violation {
                part: "body",
                expected: "a JSON document".into(),
                found: short(&json!(String::from_utf8_lossy(body))),
                x_inferred: self.inferred(at),
                sdk_reads: template.sdk_reads.map(|_| false),
                ..template.clone()
            });
            return;
        };
        let schema_at = format!("{at}/content/{}/schema", escape(media));
        if self.node(&schema_at).is_object() {
            self.check_body(&schema_at, &instance, template, checked);
        }
    }

    /// Checks a response: a declared status, the declared content type and
    /// headers, a body valid against the schema. For an operation whose
    /// path or existence is inferred, a 404 or 405 that is not the
    /// operation's own documented answer refutes that guess; any answer it
    /// documents confirms it.
    pub fn check_response(&self, op: Option<&Operation>, exchange: &Exchange) -> Checked {
        let mut checked = Checked::default();
        let Some(op) = op else {
            return checked;
        };
        let template = Violation {
            sdk_reads: Some(true),
            ..self.violation(Some(op), exchange, Direction::Response)
        };
        let responses = &self.node(&op.at)["responses"];
        let code = exchange.status.to_string();
        let range = format!("{}XX", exchange.status / 100);
        let key = [code.as_str(), range.as_str(), "default"]
            .into_iter()
            .find(|k| responses.get(*k).is_some());
        let route_guesses: Vec<Inferred> = [&op.path_at, &op.at]
            .iter()
            .filter_map(|at| self.inferred(at))
            .collect();
        let Some(key) = key else {
            let declared: Vec<&String> = responses
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
                .collect();
            // Another success than the guessed one refutes that guess (an
            // undeclared error says nothing about the declared ones).
            let mut refutes: Vec<Inferred> = declared
                .iter()
                .filter(|k| exchange.status / 100 == 2 && k.starts_with('2'))
                .filter_map(|k| self.inferred(&format!("{}/responses/{k}", op.at)))
                .collect();
            if matches!(exchange.status, 404 | 405) {
                refutes.splice(0..0, route_guesses.clone());
            }
            let sdk_reads =
                (200..300).contains(&exchange.status) && self.reads_as_success(op, exchange);
            checked.refuted.extend(refutes.iter().map(|i| i.at.clone()));
            checked.violations.push(Violation {
                part: "status",
                expected: format!("one of {declared:?}"),
                found: code.clone(),
                sdk_reads: Some(sdk_reads),
                x_inferred: refutes.into_iter().next(),
                ..template
            });
            return checked;
        };
        let response_at = format!("{}/responses/{}", op.at, escape(key));
        let Ok((response, resolved_at)) =
            openapi::resolve_at(&self.root, self.node(&response_at), &response_at)
        else {
            return checked;
        };
        let marks: Vec<Inferred> = [response_at.as_str(), resolved_at.as_str()]
            .iter()
            .filter_map(|at| self.inferred(at))
            .collect();
        let before = checked.violations.len();
        // A 415 to a body in a content type the operation declares contradicts the spec however the 415 is described.
        if exchange.status == 415 && !exchange.request_body.is_empty() {
            let sent = media_type(exchange.request_headers);
            let body_at = format!("{}/requestBody", op.at);
            let accepted = openapi::resolve(&self.root, self.node(&body_at))
                .ok()
                .and_then(|b| b["content"].as_object())
                .is_some_and(|c| sent.as_deref().is_some_and(|s| c.contains_key(s)));
            if accepted {
                checked.violations.push(Violation {
                    part: "status",
                    expected: format!(
                        "no 415 for a body in a content type the operation declares ({})",
                        sent.unwrap_or_default()
                    ),
                    found: code.clone(),
                    sdk_reads: Some(true),
                    x_inferred: marks.first().cloned(),
                    ..template.clone()
                });
            }
        }
        for (name, header) in response["headers"].as_object().into_iter().flatten() {
            let header_at = format!("{resolved_at}/headers/{}", escape(name));
            let Ok((header, header_at)) = openapi::resolve_at(&self.root, header, &header_at)
            else {
                continue;
            };
            let present = exchange.response_headers.contains_key(name.as_str());
            let inferred = self.inferred(&header_at);
            match (present, &inferred) {
                (true, Some(inferred)) => {
                    checked.confirmed.insert(inferred.at.clone());
                }
                (false, _) if inferred.is_some() || header["required"] == json!(true) => {
                    if let Some(inferred) = &inferred {
                        checked.refuted.insert(inferred.at.clone());
                    }
                    checked.violations.push(Violation {
                        part: "header",
                        pointer: format!("/{}", escape(name)),
                        expected: format!("the header {name}"),
                        found: "nothing".into(),
                        x_inferred: inferred,
                        ..template.clone()
                    });
                }
                _ => {}
            }
        }
        if !exchange.response_body.is_empty() {
            self.check_content(
                &resolved_at,
                response,
                exchange.response_headers,
                exchange.response_body,
                &template,
                &mut checked,
            );
        }
        let answered_as_documented = checked.violations.len() == before;
        for mark in &marks {
            if answered_as_documented {
                checked.confirmed.insert(mark.at.clone());
            } else {
                checked.refuted.insert(mark.at.clone());
            }
        }
        // A 404 or 405 that is not the operation's own answer says the route is not there:
        // the guess of its path (or of its existence) is the one refuted.
        let route_refuted = matches!(exchange.status, 404 | 405) && !answered_as_documented;
        if route_refuted && let Some(guess) = route_guesses.first() {
            for violation in &mut checked.violations[before..] {
                violation.x_inferred = Some(guess.clone());
            }
        }
        for guess in route_guesses {
            if route_refuted {
                checked.refuted.insert(guess.at);
            } else {
                checked.confirmed.insert(guess.at);
            }
        }
        checked.confirmed.retain(|at| !checked.refuted.contains(at));
        checked
    }

    /// Whether the SDK would read an undeclared 2xx as the operation's
    /// success (it tries the first declared 2xx body).
    fn reads_as_success(&self, op: &Operation, exchange: &Exchange) -> bool {
        let responses = &self.node(&op.at)["responses"];
        let Some(key) = responses
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .find(|k| k.starts_with('2'))
        else {
            return false;
        };
        let at = format!("{}/responses/{}", op.at, escape(key));
        let Ok((response, resolved_at)) = openapi::resolve_at(&self.root, self.node(&at), &at)
        else {
            return false;
        };
        let Some((media, _)) = response["content"]
            .as_object()
            .and_then(|c| c.iter().next())
        else {
            return true;
        };
        let Ok(instance) = serde_json::from_slice::<Value>(exchange.response_body) else {
            return false;
        };
        let schema_at = format!("{resolved_at}/content/{}/schema", escape(media));
        self.validator(&schema_at).is_ok_and(|compiled| {
            compiled
                .1
                .iter_errors(&instance)
                .all(|e| sdk_tolerates(e.kind().keyword()))
        })
    }
}

/// The inferred parts of `schema` that `instance` has: for objects the
/// fields present, for arrays every item, for choices the branches of the
/// instance's type.
fn reach(schema: &Value, instance: &Value, out: &mut BTreeSet<String>) {
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
fn fits_type(schema: &Value, instance: &Value) -> bool {
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
fn typed_parameter(schema: &Value, text: &str) -> Value {
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
fn path_parameters(template: &str, path: &str) -> Vec<(String, String)> {
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
fn media_type(headers: &HeaderMap) -> Option<String> {
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
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 200 {
        format!("{}…", text.chars().take(200).collect::<String>())
    } else {
        text
    }
}
