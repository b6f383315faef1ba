//! `cargo xtask generate` and `cargo xtask check`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate   regenerate sdk/src/generated/*.rs, INFERENCES.md's x-inferred table and the packages'
             copies (mock-server/openapi/, LICENSE-*) from openapi/*.yaml and the root
  build-cost build three user crates cold (the SDK alone, with wiremock-rs, with the mock as a
             dev-dependency) and print each build's CPU time and what each dev-dependency adds;
             `--rounds N` repeats them and reports the medians
  check      fail if a spec is invalid, an example does not match its schema, an operation lacks
             an operationId/summary/description, generated code is stale, the README's
             x-inferred table is out of date, or a package's copy differs";

fn main() -> ExitCode {
    // xtask/ sits in the repository root.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent folder")
        .to_path_buf();
    let command = std::env::args().nth(1);
    match command.as_deref() {
        Some("generate") => match xtask::generate(&root) {
            Ok(()) => {
                println!(
                    "generated sdk/src/generated/, INFERENCES.md's x-inferred table and the packages' copies"
                );
                ExitCode::SUCCESS
            }
            Err(problems) => report(&problems),
        },
        Some("check") => {
            let problems = xtask::check(&root);
            if problems.is_empty() {
                println!(
                    "xtask check: specs, examples, generated code, the inference list and copies agree"
                );
                ExitCode::SUCCESS
            } else {
                report(&problems)
            }
        }
        Some("build-cost") => {
            match build_cost_rounds().and_then(|rounds| xtask::build_cost::run(&root, rounds)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(why) => {
                    eprintln!("error: {why}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn report(problems: &[xtask::Problem]) -> ExitCode {
    for problem in problems {
        eprintln!("error: {problem}");
    }
    eprintln!("{} problem(s) found", problems.len());
    ExitCode::FAILURE
}

/// `build-cost`'s `--rounds N` (1 without it).
fn build_cost_rounds() -> Result<usize, String> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    match args.as_slice() {
        [] => Ok(1),
        [flag, n] if flag == "--rounds" => n
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("--rounds takes a positive number, not {n:?}")),
        _ => Err(format!("unexpected arguments: {}", args.join(" "))),
    }
}
