//! The index of a provider's documented operations, read once from its
//! emitted spec: which operation a request is, the statuses it declares,
//! the query parameters it takes and the request's path parameters.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::http::Method;
use serde_json::Value;

/// A request's path parameters, by the names its operation's path template gives them.
#[derive(Debug, Default, Clone)]
pub struct PathParams(pub Vec<(String, String)>);

impl PathParams {
    /// The value of parameter `name` (empty when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// One documented operation: method, path template split in segments, the
/// statuses its spec documents and the query parameters it takes.
#[derive(Debug, Clone)]
pub struct DocumentedOperation {
    /// Its method.
    pub method: Method,
    /// Its path template, split at `/`.
    pub template: Vec<String>,
    /// Its `operationId`.
    pub operation_id: Arc<str>,
    /// The statuses its spec declares, sorted.
    pub statuses: Vec<u16>,
    /// The query parameters it takes.
    pub query: Vec<String>,
    /// The template's segments, read once: a request is matched against them.
    segments: Vec<Segment>,
}

/// One segment of a path template.
#[derive(Debug, Clone)]
enum Segment {
    /// Text a request's segment must equal.
    Literal(String),
    /// A parameter, named, with the text around it in the segment (`{webhookId}.json`).
    Parameter {
        name: String,
        before: String,
        after: String,
    },
}

impl Segment {
    fn of(template: &str) -> Self {
        match (template.find('{'), template.rfind('}')) {
            (Some(open), Some(close)) => Self::Parameter {
                name: template[open + 1..close].to_string(),
                before: template[..open].to_string(),
                after: template[close + 1..].to_string(),
            },
            _ => Self::Literal(template.to_string()),
        }
    }

    fn matches(&self, segment: &str) -> bool {
        match self {
            Self::Literal(text) => text == segment,
            Self::Parameter { before, after, .. } => {
                segment.len() > before.len() + after.len()
                    && segment.starts_with(before.as_str())
                    && segment.ends_with(after.as_str())
            }
        }
    }

    /// The parameter's name and value in `segment`, if this is a parameter it fits.
    fn value(&self, segment: &str) -> Option<(String, String)> {
        let Self::Parameter {
            name,
            before,
            after,
        } = self
        else {
            return None;
        };
        let value = segment
            .strip_prefix(before.as_str())?
            .strip_suffix(after.as_str())?;
        Some((name.clone(), value.to_string()))
    }
}

impl DocumentedOperation {
    /// Whether `path` fits this operation's template.
    fn fits(&self, path: &str) -> bool {
        let mut segments = path.split('/');
        self.segments
            .iter()
            .all(|t| segments.next().is_some_and(|s| t.matches(s)))
            && segments.next().is_none()
    }

    /// The path parameters of `path`, which fits this operation's template.
    pub fn path_params(&self, path: &str) -> PathParams {
        let params = self
            .segments
            .iter()
            .zip(path.split('/'))
            .filter_map(|(template, segment)| template.value(segment))
            .collect();
        PathParams(params)
    }

    /// The template as written in the spec.
    pub fn path(&self) -> String {
        self.template.join("/")
    }
}

/// A provider's documented operations, most specific templates first.
pub type Operations = Arc<Vec<DocumentedOperation>>;

/// The documented operations of an emitted spec.
pub fn documented_operations(json: &Value) -> Operations {
    let mut ops = Vec::new();
    for (path, item) in json["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let mut statuses: Vec<u16> = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(code, _)| code.parse().ok())
                .collect();
            statuses.sort_unstable();
            let query = item["parameters"]
                .as_array()
                .into_iter()
                .chain(op["parameters"].as_array())
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect();
            ops.push(DocumentedOperation {
                query,
                method,
                operation_id: Arc::from(op["operationId"].as_str().unwrap_or_default()),
                template: path.split('/').map(str::to_string).collect(),
                segments: path.split('/').map(Segment::of).collect(),
                statuses,
            });
        }
    }
    ops.sort_by_key(|op| op.template.iter().filter(|s| s.contains('{')).count());
    Arc::new(ops)
}

/// The operation `method` `path` is, if any (no allocation: it runs on every request).
pub fn find<'a>(
    ops: &'a [DocumentedOperation],
    method: &Method,
    path: &str,
) -> Option<&'a DocumentedOperation> {
    position(ops, method, path).map(|index| &ops[index])
}

/// Where in `ops` the operation `method` `path` is, if any.
pub fn position(ops: &[DocumentedOperation], method: &Method, path: &str) -> Option<usize> {
    ops.iter()
        .position(|op| op.method == method && op.fits(path))
}

/// Whether `segment` fits a template segment such as `{id}` or `{webhookId}.json`.
pub(crate) fn segment_matches(template: &str, segment: &str) -> bool {
    Segment::of(template).matches(segment)
}

/// Every served provider's operations in this process, by provider name
/// (the same for every mock: they come from the emitted specs).
fn registry() -> &'static Mutex<HashMap<&'static str, Operations>> {
    static REGISTRY: OnceLock<Mutex<HashMap<&'static str, Operations>>> = OnceLock::new();
    REGISTRY.get_or_init(Mutex::default)
}

/// Records the operations of provider `name`.
pub fn register(name: &'static str, ops: Operations) {
    registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(name, ops);
}

/// The operations of provider `name`, if it is served in this process.
pub fn of(name: &str) -> Option<Operations> {
    registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(name)
        .cloned()
}

/// The names of the providers whose operations are known, sorted.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<_> = registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .keys()
        .copied()
        .collect();
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_parameters_with_suffixes() {
        assert!(segment_matches("{id}.json", "a1.json"));
        assert!(!segment_matches("{id}.json", ".json"));
        assert!(!segment_matches("{id}.json", "a1"));
        assert!(segment_matches("{id}", "abc"));
        assert!(segment_matches("types.json", "types.json"));
    }

    #[test]
    fn requests_find_their_operation_and_path_parameters() {
        let ops = documented_operations(&serde_json::json!({"paths": {
            "/webhooks/{webhookId}.json": {"get": {"operationId": "getWebhook", "responses": {"200": {}}}}
        }}));
        assert!(find(&ops, &Method::GET, "/webhooks/abc.json").is_some());
        assert!(find(&ops, &Method::GET, "/webhooks/abc.json/x").is_none());
        assert!(find(&ops, &Method::GET, "/webhooks").is_none());
        assert!(find(&ops, &Method::DELETE, "/webhooks/abc.json").is_none());
        let params = ops[0].path_params("/webhooks/abc.json");
        assert_eq!(params.get("webhookId"), "abc");
        assert_eq!(params.get("other"), "");
    }
}
