//! The folder the documented commands run in, laid out as the docs assume: a generated tenant
//! (`logs/`, its sources also as `okta/`, `entra/`, `cloudtrail/`), its config as
//! `factorwatch.toml`, the Sigma rules beside the repository, graph exports, and `factorwatch`
//! on PATH as the built binary.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Fixture {
    root: tempfile::TempDir,
    work: PathBuf,
    samples: Option<PathBuf>,
}

impl Fixture {
    /// A working folder with only `factorwatch` on PATH.
    pub fn empty() -> Fixture {
        let root = tempfile::tempdir().expect("temp dir");
        for dir in ["work", "bin", "data", "home", "scratch"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_factorwatch"), root.path().join("bin/factorwatch")).unwrap();
        let work = root.path().join("work");
        Fixture { root, work, samples: None }
    }

    /// The folder prepared with what the README and docs/ assume (see the module comment).
    pub fn prepare(repo: &Path) -> Fixture {
        let mut fixture = Fixture::empty();
        let shared = repo.join("../shared");
        let samples = std::env::var_os("FACTORWATCH_SAMPLES").map(PathBuf::from).unwrap_or(shared.join("samples"));
        assert!(
            samples.is_dir(),
            "the docs' commands need the sample corpus at {} (set FACTORWATCH_SAMPLES)",
            samples.display()
        );
        fixture.samples = Some(samples);
        let rules = shared.join("sigma/rules");
        assert!(rules.is_dir(), "the docs' Sigma commands need the SigmaHQ rules at {}", rules.display());

        let mut generate = Command::new(env!("CARGO_BIN_EXE_factorwatch"));
        generate.args(["gen", "--out", "logs", "--events", "20000"]).current_dir(fixture.dir());
        fixture.environment(&mut generate);
        let out = generate.output().expect("factorwatch gen runs");
        assert!(out.status.success(), "gen failed: {}", String::from_utf8_lossy(&out.stderr));

        let dir = fixture.dir().to_path_buf();
        let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, dir.join(name)).unwrap();
        let tenant = dir.join("logs");
        link(&tenant.join("okta"), "okta");
        link(&tenant.join("entra"), "entra");
        link(&tenant.join("aws"), "cloudtrail");
        std::fs::copy(tenant.join("factorwatch.toml"), dir.join("factorwatch.toml")).unwrap();
        std::fs::create_dir_all(dir.join("sigma")).unwrap();
        link(&rules, "sigma/rules");
        link(&rules, "rules");

        // An Okta export gzipped by month, and one provider export read from stdin.
        let okta = std::fs::read(tenant.join("okta/system_log.ndjson")).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &okta).unwrap();
        std::fs::write(dir.join("okta-2026-05.ndjson.gz"), gz.finish().unwrap()).unwrap();
        std::fs::copy(tenant.join("entra/audit.ndjson"), dir.join("export.json")).unwrap();

        // What `graph import` reads: the importers' own test exports under the docs' names.
        let graph = repo.join("crates/graph/tests/fixtures");
        for (from, to) in [
            ("aws_iam/account.json", "authorization-details.json"),
            ("msgraph/bundle.json", "entra-export.json"),
            ("okta/bundle.json", "okta-bundle.json"),
            ("okta/factors-wrapped.json", "okta-factors.json"),
            ("msgraph/methods-page.json", "graph-methods.json"),
            ("aws_iam/mfa-devices.json", "iam-mfa.json"),
        ] {
            std::fs::copy(graph.join(from), dir.join(to)).unwrap_or_else(|e| panic!("{from}: {e}"));
        }
        fixture
    }

    /// Where the commands run.
    pub fn dir(&self) -> &Path {
        &self.work
    }

    /// Empties the data folder: each page starts as a new user would, with no database.
    pub fn fresh_data_dir(&self) {
        let data = self.root.path().join("data");
        std::fs::remove_dir_all(&data).unwrap();
        std::fs::create_dir_all(&data).unwrap();
    }

    /// A file outside the working folder for the runner's own use.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.root.path().join("scratch").join(name)
    }

    /// The environment of every command: the binary on PATH, a data folder and home of its own,
    /// the samples, and no service address or token from the caller's shell.
    pub fn environment(&self, command: &mut Command) {
        let path = std::env::var("PATH").unwrap_or_default();
        command
            .env("PATH", format!("{}:{path}", self.root.path().join("bin").display()))
            .env("FACTORWATCH_DATA_DIR", self.root.path().join("data"))
            .env("HOME", self.root.path().join("home"))
            .env_remove("FACTORWATCH_URL")
            .env_remove("FACTORWATCH_TOKEN")
            .env_remove("FACTORWATCH_CONFIG");
        if let Some(samples) = &self.samples {
            command.env("FACTORWATCH_SAMPLES", samples);
        }
    }
}
