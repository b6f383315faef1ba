//! `cargo xtask build-cost`: what a test suite pays to build with the mock
//! as a dev-dependency, against wiremock-rs. Three user crates, each with
//! the SDK as a dependency and tokio for its tests: the SDK alone, plus
//! wiremock-rs, plus the mock as its README tells a test suite to add it
//! (`default-features = false`). Each is built cold (`cargo test --no-run`,
//! its own empty target folder, crates already downloaded) one after the
//! other in one run, as many rounds as asked (`--rounds N`, medians
//! reported); the figure is the build's CPU time (user + system, as
//! the kernel accounts its processes), which varies far less between runs on
//! a shared machine than wall time.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One user crate: its name, its dev-dependency line and a test using it.
struct Variant {
    name: &'static str,
    dev_dependency: &'static str,
    test: &'static str,
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "sdk-alone",
        dev_dependency: "",
        test: "#[tokio::test] async fn builds() {}",
    },
    Variant {
        name: "sdk-and-wiremock",
        dev_dependency: r#"wiremock = "0.6""#,
        test: "#[tokio::test] async fn builds() { let _ = wiremock::MockServer::start().await; }",
    },
    Variant {
        name: "sdk-and-mock",
        dev_dependency: "webhooks-mock = { path = \"MOCK\", default-features = false }",
        test: "#[tokio::test] async fn builds() { let _ = webhooks_mock::MockServer::start().await; }",
    },
];

/// Builds the three crates cold, `rounds` times one after the other, and
/// prints each build's CPU time, the medians, what each dev-dependency adds
/// and the mock's addition as a ratio of wiremock-rs's.
pub fn run(root: &Path, rounds: usize) -> Result<(), String> {
    let scratch = root.join("target/build-cost");
    let mut figures = vec![Vec::new(); VARIANTS.len()];
    for round in 1..=rounds.max(1) {
        let _ = std::fs::remove_dir_all(&scratch);
        for (variant, cpus) in VARIANTS.iter().zip(&mut figures) {
            let dir = scratch.join(variant.name);
            write_crate(root, &dir, variant)?;
            // Resolve (and download) before the clock starts: only the build is counted.
            cargo(&dir, &["fetch", "--quiet"])?;
            let before = children_cpu_seconds()?;
            let started = Instant::now();
            cargo(&dir, &["test", "--no-run", "--quiet"])?;
            let cpu = children_cpu_seconds()? - before;
            let wall = started.elapsed().as_secs_f64();
            println!(
                "round {round}: {:<18} build CPU {cpu:7.1} s   wall {wall:6.1} s",
                variant.name
            );
            cpus.push(cpu);
        }
    }
    let medians: Vec<f64> = figures.iter().map(|cpus| median(cpus)).collect();
    let (sdk, wiremock, mock) = (medians[0], medians[1], medians[2]);
    println!();
    println!("medians of {} round(s):", rounds.max(1));
    for (variant, cpu) in VARIANTS.iter().zip(&medians) {
        println!("{:<18} build CPU {cpu:7.1} s", variant.name);
    }
    println!("wiremock-rs adds {:.1} s of build CPU", wiremock - sdk);
    println!("webhooks-mock adds {:.1} s of build CPU", mock - sdk);
    println!(
        "the mock's addition is {:.2}x wiremock-rs's",
        (mock - sdk) / (wiremock - sdk)
    );
    Ok(())
}

/// The median of some figures (the mean of the middle two for an even count).
fn median(figures: &[f64]) -> f64 {
    let mut sorted = figures.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    }
}

fn write_crate(root: &Path, dir: &Path, variant: &Variant) -> Result<(), String> {
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir.join("src")).map_err(io)?;
    std::fs::create_dir_all(dir.join("tests")).map_err(io)?;
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\nwebhooks-sdk = {{ path = \"{}\" }}\n\n\
         [dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n{}\n",
        variant.name,
        root.join("sdk").display(),
        variant
            .dev_dependency
            .replace("MOCK", &root.join("mock-server").display().to_string()),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
    std::fs::write(dir.join("src/lib.rs"), "pub use webhooks_sdk;\n").map_err(io)?;
    std::fs::write(dir.join("tests/it.rs"), format!("{}\n", variant.test)).map_err(io)?;
    // The workspace's versions, so the three resolve alike and offline where they can.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(io)?;
    Ok(())
}

fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .status()
        .map_err(|e| format!("cargo {}: {e}", args.join(" ")))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo {} failed in {}",
            args.join(" "),
            dir.display()
        ))
    }
}

/// The CPU time (user + system) of this process's finished children, from
/// `/proc/self/stat` (Linux).
fn children_cpu_seconds() -> Result<f64, String> {
    let stat = std::fs::read_to_string("/proc/self/stat").map_err(|e| e.to_string())?;
    // Fields after the command name, which is in parentheses: cutime and cstime are 16 and 17.
    let after = stat.rsplit_once(')').ok_or("unreadable /proc/self/stat")?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64, String> {
        fields
            .get(i - 3)
            .and_then(|f| f.parse::<f64>().ok())
            .ok_or_else(|| "unreadable /proc/self/stat".to_string())
    };
    // Clock ticks are 100 a second on Linux (USER_HZ).
    Ok((ticks(16)? + ticks(17)?) / 100.0)
}
