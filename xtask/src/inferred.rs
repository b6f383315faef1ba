//! The README's table of `x-inferred` items, written from the specs.

use std::path::Path;

use serde_json::Value;

use crate::Problem;
use crate::spec::{LoadedSpec, METHODS};

const BEGIN: &str = "<!-- x-inferred table: written by `cargo xtask generate` -->";
const END: &str = "<!-- end of x-inferred table -->";
const README: &str = "README.md";

/// One `x-inferred` mark in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inference {
    /// Spec file name.
    pub spec: String,
    /// A readable name of the marked item (e.g. `GET /webhooks/{id}.json response 200`).
    pub item: String,
    /// The reason written in the spec.
    pub reason: String,
}

/// Every `x-inferred` mark in a spec, in document order.
pub fn inferences(spec: &LoadedSpec) -> Vec<Inference> {
    let mut out = Vec::new();
    walk(spec, &spec.json, &mut Vec::new(), &mut out);
    out
}

fn walk(spec: &LoadedSpec, value: &Value, path: &mut Vec<String>, out: &mut Vec<Inference>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => {
            if let Some(reason) = map.get("x-inferred") {
                let keys: Vec<&str> = path.iter().map(String::as_str).collect();
                out.push(Inference {
                    spec: spec.provider.spec_file.to_string(),
                    item: label(spec, &keys),
                    reason: reason
                        .as_str()
                        .unwrap_or_default()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
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
        walk(spec, child, path, out);
        path.pop();
    }
}

/// A readable name for the item at `path` (keys from the root), such as
/// `GET /webhooks/{webhookId}.json response 404` or `schema ErrorResponse.message`.
fn label(spec: &LoadedSpec, path: &[&str]) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut node = &spec.json;
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

/// The README's table, as it should read.
fn table(specs: &[LoadedSpec]) -> String {
    let mut out = format!("{BEGIN}\n| spec | item | why |\n|---|---|---|\n");
    for spec in specs {
        for inf in inferences(spec) {
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                inf.spec,
                inf.item,
                inf.reason.replace('|', "\\|")
            ));
        }
    }
    out.push_str(END);
    out
}

fn current_table(readme: &str) -> Option<(usize, usize)> {
    let start = readme.find(BEGIN)?;
    let end = readme[start..].find(END)? + start + END.len();
    Some((start, end))
}

/// Rewrites the table between its markers in `README.md`.
pub fn write_readme(root: &Path, specs: &[LoadedSpec]) -> Result<(), Problem> {
    let path = root.join(README);
    let readme = std::fs::read_to_string(&path)
        .map_err(|e| Problem::new(README, format!("cannot read: {e}")))?;
    let (start, end) = current_table(&readme).ok_or_else(missing_markers)?;
    let updated = format!("{}{}{}", &readme[..start], table(specs), &readme[end..]);
    std::fs::write(&path, updated).map_err(|e| Problem::new(README, format!("cannot write: {e}")))
}

fn missing_markers() -> Problem {
    Problem::new(
        README,
        format!("the x-inferred table's markers are missing: add the lines `{BEGIN}` and `{END}`"),
    )
}

/// Every `x-inferred` item is listed in the README, and nothing stale is.
pub fn check_readme(root: &Path, specs: &[LoadedSpec]) -> Vec<Problem> {
    let readme = match std::fs::read_to_string(root.join(README)) {
        Ok(text) => text,
        Err(e) => return vec![Problem::new(README, format!("cannot read: {e}"))],
    };
    let Some((start, end)) = current_table(&readme) else {
        return vec![missing_markers()];
    };
    let listed = &readme[start..end];
    let expected = table(specs);
    if listed == expected {
        return Vec::new();
    }
    let mut problems = Vec::new();
    let expected_rows: Vec<&str> = expected.lines().collect();
    for row in &expected_rows {
        if !listed.lines().any(|l| l == *row) {
            problems.push(Problem::new(
                README,
                format!(
                    "x-inferred item missing from the table (run `cargo xtask generate`): {row}"
                ),
            ));
        }
    }
    for row in listed.lines() {
        if !expected_rows.contains(&row) {
            problems.push(Problem::new(
                README,
                format!("table row no spec marks x-inferred (run `cargo xtask generate`): {row}"),
            ));
        }
    }
    if problems.is_empty() {
        problems.push(Problem::new(
            README,
            "the x-inferred table is out of order; run `cargo xtask generate`",
        ));
    }
    problems
}
