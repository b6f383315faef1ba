//! The table of `x-inferred` items in `INFERENCES.md`, written from the specs.

use std::path::Path;

use crate::Problem;
use crate::spec::LoadedSpec;

const BEGIN: &str = "<!-- x-inferred table: written by `cargo xtask generate` -->";
const END: &str = "<!-- end of x-inferred table -->";
const INFERENCES: &str = "INFERENCES.md";

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
    webhooks_mock::openapi::inferences(&spec.json)
        .into_iter()
        .map(|mark| Inference {
            spec: spec.provider.spec_file.to_string(),
            item: mark.item,
            reason: mark.reason,
        })
        .collect()
}

/// The table, as it should read.
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

/// Rewrites the table between its markers in `INFERENCES.md`.
pub fn write_readme(root: &Path, specs: &[LoadedSpec]) -> Result<(), Problem> {
    let path = root.join(INFERENCES);
    let readme = std::fs::read_to_string(&path)
        .map_err(|e| Problem::new(INFERENCES, format!("cannot read: {e}")))?;
    let (start, end) = current_table(&readme).ok_or_else(missing_markers)?;
    let updated = format!("{}{}{}", &readme[..start], table(specs), &readme[end..]);
    std::fs::write(&path, updated)
        .map_err(|e| Problem::new(INFERENCES, format!("cannot write: {e}")))
}

fn missing_markers() -> Problem {
    Problem::new(
        INFERENCES,
        format!("the x-inferred table's markers are missing: add the lines `{BEGIN}` and `{END}`"),
    )
}

/// Every `x-inferred` item is listed in `INFERENCES.md`, and nothing stale is.
pub fn check_readme(root: &Path, specs: &[LoadedSpec]) -> Vec<Problem> {
    let readme = match std::fs::read_to_string(root.join(INFERENCES)) {
        Ok(text) => text,
        Err(e) => return vec![Problem::new(INFERENCES, format!("cannot read: {e}"))],
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
                INFERENCES,
                format!(
                    "x-inferred item missing from the table (run `cargo xtask generate`): {row}"
                ),
            ));
        }
    }
    for row in listed.lines() {
        if !expected_rows.contains(&row) {
            problems.push(Problem::new(
                INFERENCES,
                format!("table row no spec marks x-inferred (run `cargo xtask generate`): {row}"),
            ));
        }
    }
    if problems.is_empty() {
        problems.push(Problem::new(
            INFERENCES,
            "the x-inferred table is out of order; run `cargo xtask generate`",
        ));
    }
    problems
}
