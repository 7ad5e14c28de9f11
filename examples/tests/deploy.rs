//! `deploy/`: what can be checked without a container runtime. The compose file
//! parses and has the database, the proxy and two replicas built from the
//! Dockerfile with the settings replicas need; the Dockerfile builds an example
//! that exists; and every `GUMSTACK_` setting named in `deploy/` or the README
//! is one the host knows. Nothing here builds an image or starts a container.

use std::{collections::BTreeSet, path::PathBuf, process::Command};

use yaml_rust2::{Yaml, YamlLoader};

/// The example binaries, by name.
const BINARIES: &[(&str, &str)] = &[
    ("everything", env!("CARGO_BIN_EXE_everything")),
    ("github", env!("CARGO_BIN_EXE_github")),
    ("linear", env!("CARGO_BIN_EXE_linear")),
    ("oauth2", env!("CARGO_BIN_EXE_oauth2")),
    ("openai", env!("CARGO_BIN_EXE_openai")),
    ("weather", env!("CARGO_BIN_EXE_weather")),
];

/// Read by the test suite, not by the host.
const TEST_SETTINGS: &[&str] = &["GUMSTACK_TEST_DATABASE_URL", "GUMSTACK_SCREENSHOTS"];

fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn binary(name: &str) -> &'static str {
    BINARIES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name:?} is not an example binary"))
        .1
}

fn compose() -> Yaml {
    let mut docs = YamlLoader::load_from_str(&read("deploy/compose.yaml"))
        .expect("deploy/compose.yaml is YAML");
    assert_eq!(docs.len(), 1, "one document");
    docs.remove(0)
}

fn str_of<'a>(yaml: &'a Yaml, what: &str) -> &'a str {
    yaml.as_str()
        .unwrap_or_else(|| panic!("{what} is a string: {yaml:?}"))
}

/// `NAME=value` lines of an env file (comments and blanks skipped).
fn env_file(relative: &str) -> Vec<(String, String)> {
    read(relative)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, value) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("{relative}: {l:?} is not NAME=value"));
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

#[test]
fn compose_runs_two_replicas_behind_a_proxy_on_postgres() {
    let compose = compose();
    let services = &compose["services"];
    assert!(
        str_of(&services["db"]["image"], "db.image").starts_with("postgres:"),
        "{services:?}"
    );
    assert_eq!(
        str_of(&services["db"]["env_file"], "db.env_file"),
        "postgres.env"
    );

    let mcp = &services["mcp"];
    assert_eq!(str_of(&mcp["build"]["context"], "build.context"), "..");
    assert_eq!(
        str_of(&mcp["build"]["dockerfile"], "build.dockerfile"),
        "deploy/Dockerfile"
    );
    assert!(path("deploy/Dockerfile").is_file());
    binary(str_of(&mcp["build"]["args"]["BIN"], "build.args.BIN"));
    assert_eq!(mcp["deploy"]["replicas"].as_i64(), Some(2), "{mcp:?}");
    assert!(!mcp["depends_on"]["db"].is_badvalue(), "{mcp:?}");
    // The secrets come from the env file, the public URL from the compose file.
    assert_eq!(str_of(&mcp["env_file"], "mcp.env_file"), "gumstack.env");
    let environment = mcp["environment"].as_hash().expect("a map");
    assert!(environment.contains_key(&Yaml::from_str("GUMSTACK_PUBLIC_URL")));
    assert!(!environment.contains_key(&Yaml::from_str("GUMSTACK_SECRET_KEY")));

    let proxy = &services["proxy"];
    assert!(str_of(&proxy["image"], "proxy.image").starts_with("caddy:"));
    let volumes = proxy["volumes"].as_vec().expect("a list");
    assert!(
        volumes
            .iter()
            .any(|v| v.as_str() == Some("./Caddyfile:/etc/caddy/Caddyfile:ro")),
        "{volumes:?}"
    );
    let caddyfile = read("deploy/Caddyfile");
    assert!(caddyfile.contains("{$GUMSTACK_PUBLIC_URL}"), "{caddyfile}");
    assert!(caddyfile.contains("dynamic a mcp 8000"), "{caddyfile}");
}

#[test]
fn the_env_files_hold_the_key_and_a_database_url_matching_the_database() {
    let gumstack = env_file("deploy/gumstack.env.example");
    let names: Vec<&str> = gumstack.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["GUMSTACK_SECRET_KEY", "GUMSTACK_DATABASE_URL"]);
    let postgres = env_file("deploy/postgres.env.example");
    let [(name, password)] = postgres.as_slice() else {
        panic!("{postgres:?}")
    };
    assert_eq!(name, "POSTGRES_PASSWORD");
    // POSTGRES_USER and POSTGRES_DB of the compose file, the `db` service.
    assert_eq!(
        gumstack[1].1,
        format!("postgres://gumstack:{password}@db:5432/gumstack")
    );
}

#[test]
fn the_dockerfile_builds_an_example_into_a_non_root_image() {
    let dockerfile = read("deploy/Dockerfile");
    let lines: Vec<&str> = dockerfile.lines().map(str::trim).collect();
    assert!(
        lines.iter().any(|l| l.starts_with("FROM rust:1.95")),
        "a rust:1.95 builder"
    );
    let runtime = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("FROM "))
        .expect("a runtime stage");
    assert!(runtime.starts_with("FROM debian:"), "{runtime}");
    let bin = lines
        .iter()
        .find_map(|l| l.strip_prefix("ARG BIN="))
        .expect("ARG BIN=<default>");
    binary(bin);
    let user = lines
        .iter()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER");
    assert!(!["root", "0"].contains(&user), "{user}");
    assert!(
        dockerfile.contains("GUMSTACK_HTTP=0.0.0.0:8000"),
        "{dockerfile}"
    );
    assert!(lines.contains(&r#"VOLUME ["/data"]"#), "{dockerfile}");
    assert!(
        dockerfile.contains("GUMSTACK_DATA_DIR=/data"),
        "{dockerfile}"
    );
}

/// Every `GUMSTACK_...` name in `text`.
fn settings_in(text: &str, into: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(at) = rest.find("GUMSTACK_") {
        let name: String = rest[at..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if name.len() > "GUMSTACK_".len() {
            into.insert(name);
        }
        rest = &rest[at + "GUMSTACK_".len()..];
    }
}

/// The settings among `names` the host warns about as unknown at start-up.
fn unknown_to_the_host(names: &BTreeSet<String>) -> Vec<String> {
    let mut command = Command::new(binary("weather"));
    command.arg("config").env_clear();
    for name in names {
        command.env(name, "1");
    }
    // The warning must get through whatever filter a name above sets.
    command.env("GUMSTACK_LOG", "warn");
    let output = command.output().expect("run weather config");
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .lines()
        .filter_map(|l| l.split("ignoring unknown setting ").nth(1))
        .map(|rest| rest.split(';').next().unwrap_or(rest).to_owned())
        .collect()
}

#[test]
fn every_setting_named_in_deploy_and_the_readme_is_known_to_the_host() {
    let mut names = BTreeSet::new();
    for file in [
        "deploy/Dockerfile",
        "deploy/compose.yaml",
        "deploy/Caddyfile",
        "deploy/gumstack.env.example",
        "README.md",
    ] {
        settings_in(&read(file), &mut names);
    }
    for name in TEST_SETTINGS {
        names.remove(*name);
    }
    for needed in [
        "GUMSTACK_DATABASE_URL",
        "GUMSTACK_SECRET_KEY",
        "GUMSTACK_PUBLIC_URL",
        "GUMSTACK_HTTP",
        "GUMSTACK_DATA_DIR",
        "GUMSTACK_LOGIN_PORT",
    ] {
        assert!(names.contains(needed), "{needed} is named: {names:?}");
    }
    assert_eq!(
        unknown_to_the_host(&names),
        Vec::<String>::new(),
        "{names:?}"
    );

    // The check itself notices a name the host does not know.
    names.insert("GUMSTACK_NOT_A_SETTING".into());
    assert_eq!(unknown_to_the_host(&names), ["GUMSTACK_NOT_A_SETTING"]);
}
