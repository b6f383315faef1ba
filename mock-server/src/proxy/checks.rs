//! The checks of one exchange against a contract: a request (a documented
//! operation, its parameters, its body) and a response (a declared status,
//! content type, headers and body), each violation with its pointer.

use axum::http::HeaderMap;

use serde_json::{Value, json};

use super::contract::{
    Checked, Contract, Exchange, Operation, media_type, path_parameters, sdk_tolerates, short,
    typed_parameter,
};
use super::report::{Direction, Inferred, Violation, redact_json};
use crate::openapi::{self, escape};

impl Contract {
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
