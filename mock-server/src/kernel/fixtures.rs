//! Fixtures: a mock set up from a list of named steps (create an endpoint,
//! trigger an event), each a real request through the mock's own routes,
//! where a later step refers to an earlier one's answer as `${name.field}`.

use axum::body::Body;
use axum::http::Request;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::layers::read_body;
use super::state::MockState;

/// One step, as a fixtures file lists them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The name later steps refer to.
    pub name: String,
    /// The provider (`billing-io`, …).
    pub provider: String,
    /// The tenant's API key.
    pub api_key: String,
    /// The body of the provider's own create request.
    pub create: Option<Value>,
    /// An event to deliver, as `POST /__mock/<provider>/events` takes it.
    pub trigger: Option<Value>,
}

/// Runs `steps` in order against `mock`; answers every step's response by
/// its name, or which step failed and why (with the answers so far).
pub async fn run(mock: &std::sync::Arc<MockState>, steps: Vec<Step>) -> Result<Value, Value> {
    let app = mock
        .app()
        .ok_or_else(|| json!({"error": "the mock is not serving yet"}))?;
    let mut answers = Map::new();
    for step in steps {
        let failed = |why: String| json!({"error": why, "step": step.name, "answers": Value::Object(answers.clone())});
        let served = mock
            .served
            .iter()
            .find(|s| s.name == step.provider)
            .ok_or_else(|| failed(format!("no provider named {:?} is served", step.provider)))?;
        let (path, body) = match (&step.create, &step.trigger) {
            (Some(body), None) => (served.create_path.clone(), body),
            (None, Some(body)) => (format!("/__mock/{}/events", served.name), body),
            _ => return Err(failed("a step has either `create` or `trigger`".into())),
        };
        let body = substitute(body, &answers).map_err(failed)?;
        let api_key = substitute(&Value::String(step.api_key.clone()), &answers).map_err(failed)?;
        let (header, value) = (served.present)(api_key.as_str().unwrap_or_default());
        let mut request = Request::post(path)
            .header("content-type", "application/json")
            .header(header, value)
            .body(Body::from(
                serde_json::to_vec(&body).expect("JSON serialises"),
            ))
            .expect("a valid request");
        if let Some(token) = &mock.admin_token {
            let header = super::state::ADMIN_TOKEN_HEADER;
            request
                .headers_mut()
                .insert(header, token.parse().expect("a token is a header value"));
        }
        request.extensions_mut().insert(mock.clone());
        let response = app.call(request).await.expect("the router is infallible");
        let status = response.status();
        let bytes = read_body(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let answer = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        if !status.is_success() {
            return Err(json!({
                "error": format!("step {:?} was answered {}", step.name, status.as_u16()),
                "step": step.name,
                "status": status.as_u16(),
                "answer": answer,
                "answers": Value::Object(answers),
            }));
        }
        answers.insert(step.name, answer);
    }
    Ok(Value::Object(answers))
}

/// `value` with every `${name.path}` in its strings replaced by that part
/// of an earlier answer: a string that is one reference becomes the value
/// itself, one that holds several gets their text.
fn substitute(value: &Value, answers: &Map<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(text) => {
            let whole = text
                .strip_prefix("${")
                .and_then(|t| t.strip_suffix('}'))
                .filter(|inner| !inner.contains("${") && !inner.contains('}'));
            match whole {
                Some(reference) => lookup(reference, answers)?.clone(),
                None => Value::String(interpolate(text, answers)?),
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, answers))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), substitute(v, answers)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn interpolate(text: &str, answers: &Map<String, Value>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| format!("{text:?}: a `${{` without its `}}`"))?;
        let found = lookup(&rest[start + 2..start + end], answers)?;
        match found {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The part of an earlier answer `name.field.0.sub` names.
fn lookup<'a>(reference: &str, answers: &'a Map<String, Value>) -> Result<&'a Value, String> {
    let mut parts = reference.split('.');
    let name = parts.next().unwrap_or_default();
    let mut value = answers
        .get(name)
        .ok_or_else(|| format!("`${{{reference}}}`: no earlier step is named {name:?}"))?;
    for part in parts {
        value = match value {
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            other => other.get(part),
        }
        .ok_or_else(|| format!("`${{{reference}}}`: the answer of {name:?} has no {part:?}"))?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_take_values_from_earlier_answers() {
        let mut answers = Map::new();
        answers.insert(
            "hook".into(),
            json!({"webhook_id": "we_1", "events": ["a", "b"], "data": {"id": 7}}),
        );
        let step = json!({
            "id": "${hook.webhook_id}",
            "second": "${hook.events.1}",
            "number": "${hook.data.id}",
            "text": "endpoint ${hook.webhook_id} (${hook.data.id})",
            "plain": "no reference",
        });
        assert_eq!(
            substitute(&step, &answers).unwrap(),
            json!({"id": "we_1", "second": "b", "number": 7, "text": "endpoint we_1 (7)", "plain": "no reference"})
        );
        assert!(
            substitute(&json!("${nope.id}"), &answers)
                .unwrap_err()
                .contains("no earlier step")
        );
        assert!(
            substitute(&json!("${hook.missing}"), &answers)
                .unwrap_err()
                .contains("has no")
        );
        assert!(substitute(&json!("a ${hook.webhook_id"), &answers).is_err());
    }
}
