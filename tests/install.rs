//! The release artifacts and install.sh, both ways (docs/install.md): a release tarball made by
//! dist/package.sh from this test's own binary, served on 127.0.0.1 by a small HTTP server the test
//! starts and stops; a checksum that does not match; no release at all, where install.sh builds
//! from source; the binstall metadata against the URL install.sh asks for; the man page.
//!
//! Every install runs with HOME, XDG_DATA_HOME, XDG_CONFIG_HOME and LAKEOPS_ROOT in a temporary
//! directory; nothing is fetched from anywhere but the test's own server.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use clap::CommandFactory;

const BIN: &str = env!("CARGO_BIN_EXE_lakeops");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The target triple whose tarball install.sh should ask for on this machine: the release
/// workflow's names, the static musl build on Linux.
fn release_target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        (os, arch) => panic!("no release is built for {os} {arch}; these tests run where one is"),
    }
}

fn tarball_name() -> String {
    format!("lakeops-{VERSION}-{}.tar.gz", release_target())
}

/// The path under which the test's server publishes a release, like a GitHub release's download
/// folder.
fn release_path() -> String {
    format!("/download/v{VERSION}")
}

/// A static file server on 127.0.0.1 for one folder (404 for everything else, or for everything
/// when there is no folder), remembering the paths asked for. Stops when dropped.
struct ReleaseServer {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ReleaseServer {
    fn start(folder: Option<PathBuf>) -> ReleaseServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("the server's address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, folder.as_deref(), &requests);
                    }
                }
            })
        };
        ReleaseServer { address, requests, stop, thread: Some(thread) }
    }

    /// What LAKEOPS_RELEASE_URL points at.
    fn url(&self) -> String {
        format!("http://{}{}", self.address, release_path())
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, folder: Option<&Path>, requests: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("").to_string();
    requests.lock().unwrap().push(path.clone());
    let file = path
        .strip_prefix(&format!("{}/", release_path()))
        .filter(|name| !name.is_empty() && !name.contains('/') && !name.contains(".."))
        .zip(folder)
        .and_then(|(name, folder)| std::fs::read(folder.join(name)).ok());
    let mut stream = &stream;
    let _ = match file {
        Some(body) => stream
            .write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes(),
            )
            .and_then(|()| stream.write_all(&body)),
        None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot Found"),
    };
    let _ = stream.flush();
}

/// A release folder as the workflow publishes it, made by dist/package.sh from this test's binary
/// (built for this machine, named for the release target: what matters here is the layout). Made
/// once per run for every test that needs one (packing a debug binary takes a while), and copied
/// into the test's own folder, which the test may then spoil.
fn release_in(folder: &Path) -> PathBuf {
    static PACKAGED: OnceLock<PathBuf> = OnceLock::new();
    let packaged = PACKAGED.get_or_init(|| {
        // In cargo's folder for tests' files, one per run; a static is never dropped, so the last
        // run's is removed here instead, once it is an hour old (another run may be using a newer one).
        let parent = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
            let old = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
            if entry.file_name().to_string_lossy().starts_with("install-release-")
                && old.is_some_and(|age| age > Duration::from_secs(3600))
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = parent.join(format!("install-release-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let output = Command::new("bash")
            .arg(repo().join("dist/package.sh"))
            .arg(BIN)
            .arg(release_target())
            .arg(&dir)
            .output()
            .expect("run dist/package.sh");
        assert!(output.status.success(), "dist/package.sh failed:\n{}", text(&output.stderr));
        assert_eq!(text(&output.stdout).trim(), dir.join(tarball_name()).display().to_string());
        dir
    });
    std::fs::create_dir_all(folder).expect("the release folder");
    let mut files: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(packaged).expect("the packaged release") {
        let name = entry.expect("a packaged file").file_name().to_string_lossy().into_owned();
        std::fs::copy(packaged.join(&name), folder.join(&name)).expect("copy the release");
        files.push(name);
    }
    files.sort();
    assert_eq!(files, vec![tarball_name(), format!("{}.sha256", tarball_name())], "what package.sh writes");
    folder.join(tarball_name())
}

/// A user's home with nothing of lakeops in it, and the environment install.sh runs in.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn root(&self) -> PathBuf {
        self.path("root")
    }

    fn data(&self) -> PathBuf {
        self.path("xdg-data")
    }

    fn config(&self) -> PathBuf {
        self.path("xdg-config")
    }

    /// The installed files, besides the binary, that the checks below look for.
    fn installed_extras(&self) -> Vec<PathBuf> {
        vec![
            self.data().join("bash-completion/completions/lakeops"),
            self.data().join("zsh/site-functions/_lakeops"),
            self.config().join("fish/completions/lakeops.fish"),
            self.data().join("man/man1/lakeops.1"),
        ]
    }

    /// `install.sh ARGS` with everything it writes under this home. The real HOME's cargo and
    /// rustup stay where they are, for a build from source.
    fn install(&self, args: &[&str], env: &[(&str, &str)], path_first: Option<&Path>) -> Output {
        let real_home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        let cargo_home = std::env::var_os("CARGO_HOME").map(PathBuf::from).unwrap_or(real_home.join(".cargo"));
        let rustup_home = std::env::var_os("RUSTUP_HOME").map(PathBuf::from).unwrap_or(real_home.join(".rustup"));
        let mut path = std::env::var_os("PATH").unwrap_or_default();
        if let Some(first) = path_first {
            let mut paths = vec![first.to_path_buf()];
            paths.extend(std::env::split_paths(&path));
            path = std::env::join_paths(paths).expect("a PATH");
        }
        let mut command = Command::new("bash");
        command
            .arg(repo().join("install.sh"))
            .args(args)
            .env("PATH", path)
            .env("HOME", self.path("home"))
            .env("XDG_DATA_HOME", self.data())
            .env("XDG_CONFIG_HOME", self.config())
            .env("LAKEOPS_ROOT", self.root())
            .env("CARGO_HOME", cargo_home)
            .env("RUSTUP_HOME", rustup_home)
            .env("TMPDIR", self.dir.path());
        for name in ["LAKEOPS_RELEASE_URL", "LAKEOPS_FROM_SOURCE", "LAKEOPS_INSTALL_DEBUG", "LAKEOPS_PROFILE"] {
            command.env_remove(name);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        std::fs::create_dir_all(self.path("home")).expect("the home folder");
        command.output().expect("run install.sh")
    }

    /// A `cargo` first on PATH that only writes down that it was called, and fails: a tripwire for
    /// the tests where install.sh must not build, or where only its decision to build is checked.
    fn cargo_tripwire(&self) -> (PathBuf, PathBuf) {
        let folder = self.path("tripwire");
        let log = self.path("cargo-was-called");
        std::fs::create_dir_all(&folder).unwrap();
        let script = folder.join("cargo");
        std::fs::write(&script, format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 97\n", log.display())).unwrap();
        make_executable(&script);
        (folder, log)
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(output: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}--- stderr\n{}", output.status.code(), text(&output.stdout), text(&output.stderr))
}

fn non_empty(path: &Path) -> bool {
    std::fs::metadata(path).map(|m| m.is_file() && m.len() > 0).unwrap_or(false)
}

/// Checks what every successful install leaves, whichever way it went.
fn assert_installed(home: &Home) {
    let binary = home.root().join("bin/lakeops");
    let version = Command::new(&binary).arg("--version").output().expect("run the installed lakeops");
    assert!(version.status.success(), "{}", describe(&version));
    assert_eq!(text(&version.stdout).trim(), format!("lakeops {VERSION}"));
    for file in home.installed_extras() {
        assert!(non_empty(&file), "{} should be installed and not empty", file.display());
    }
    let bash = std::fs::read_to_string(home.data().join("bash-completion/completions/lakeops")).unwrap();
    assert!(bash.contains("_lakeops"), "a bash completion for lakeops");
    let zsh = std::fs::read_to_string(home.data().join("zsh/site-functions/_lakeops")).unwrap();
    assert!(zsh.starts_with("#compdef lakeops"), "a zsh completion function");
    let man = std::fs::read_to_string(home.data().join("man/man1/lakeops.1")).unwrap();
    assert!(man.starts_with(".TH"), "a man page");
    // What works as it is goes where lakeops reads it; the AWS examples wait in the data folder,
    // out of `lakeops --all` (which would count them as the user's and fail on their endpoints).
    let config = home.config().join("lakeops");
    let examples = home.data().join("lakeops/examples");
    for (example, folder) in [
        ("profiles/sandbox.toml", &config),
        ("themes/default.toml", &config),
        ("themes/light.toml", &config),
        ("profiles/production.toml", &examples),
        ("profiles/moto.toml", &examples),
    ] {
        let copied = folder.join(example);
        assert_eq!(
            std::fs::read_to_string(&copied).unwrap_or_default(),
            std::fs::read_to_string(repo().join(example)).unwrap(),
            "{example} copied to {}",
            folder.display()
        );
    }
    let profiles: Vec<String> = std::fs::read_dir(config.join("profiles"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(profiles, ["sandbox.toml"], "only the sandbox profile among the user's profiles");
}

#[test]
fn with_a_local_release_install_sh_installs_the_published_binary_and_builds_nothing() {
    let home = Home::new();
    let release = home.path("release");
    release_in(&release);
    let server = ReleaseServer::start(Some(release));
    let (tripwire, cargo_log) = home.cargo_tripwire();

    let output = home.install(&[], &[("LAKEOPS_RELEASE_URL", &server.url())], Some(&tripwire));

    assert!(output.status.success(), "{}", describe(&output));
    assert!(!cargo_log.exists(), "cargo was called: {}", std::fs::read_to_string(&cargo_log).unwrap_or_default());
    let stdout = text(&output.stdout);
    assert!(stdout.contains(&format!("downloaded {}, sha256 checked", tarball_name())), "{stdout}");
    assert!(stdout.contains(&format!("(release {VERSION}, {})", release_target())), "{stdout}");
    assert_eq!(
        server.requests(),
        vec![format!("{}/{}", release_path(), tarball_name()), format!("{}/{}.sha256", release_path(), tarball_name())]
    );
    assert_installed(&home);
    // Published without a symbol table: the dist profile keeps one for the link order and
    // dist/package.sh strips the copy it packs (this test's own binary has one).
    assert!(has_symbol_table(Path::new(BIN)), "{BIN} should have a symbol table to strip");
    assert!(!has_symbol_table(&home.root().join("bin/lakeops")), "the published binary is stripped");
}

fn has_symbol_table(binary: &Path) -> bool {
    let sections = Command::new("readelf").args(["-S", "-W"]).arg(binary).output().expect("run readelf");
    assert!(sections.status.success(), "{}", describe(&sections));
    text(&sections.stdout).contains(" .symtab ")
}

#[test]
fn with_a_local_release_install_sh_leaves_the_users_own_files_alone() {
    let home = Home::new();
    let release = home.path("release");
    release_in(&release);
    let server = ReleaseServer::start(Some(release));
    let (tripwire, _) = home.cargo_tripwire();
    // A theme of the user's own, under an example's name.
    let mine = home.config().join("lakeops/themes/light.toml");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, "# mine\n").unwrap();

    let output = home.install(&[], &[("LAKEOPS_RELEASE_URL", &server.url())], Some(&tripwire));

    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "# mine\n");
    assert!(home.config().join("lakeops/themes/default.toml").is_file());
}

#[test]
fn a_checksum_that_does_not_match_installs_nothing() {
    let home = Home::new();
    let release = home.path("release");
    release_in(&release);
    let checksum = release.join(format!("{}.sha256", tarball_name()));
    let wrong = format!("{}  {}\n", "0".repeat(64), tarball_name());
    std::fs::write(&checksum, wrong).unwrap();
    let server = ReleaseServer::start(Some(release));
    let (tripwire, cargo_log) = home.cargo_tripwire();

    let output = home.install(&[], &[("LAKEOPS_RELEASE_URL", &server.url())], Some(&tripwire));

    assert!(!output.status.success(), "{}", describe(&output));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&format!("checksum mismatch for {}", tarball_name())), "{stderr}");
    assert!(stderr.contains("nothing was installed"), "{stderr}");
    assert!(!home.root().exists(), "nothing in LAKEOPS_ROOT");
    for file in home.installed_extras() {
        assert!(!file.exists(), "{} should not be installed", file.display());
    }
    assert!(!home.config().join("lakeops").exists(), "no examples copied");
    assert!(!cargo_log.exists(), "a bad download is refused, not replaced by a build");
}

/// Without a published release install.sh says so in one line and runs cargo install for this
/// checkout; `cargo` here is the tripwire, so this checks the decision and the command, not the
/// build (which `without_a_release_install_sh_builds_from_source` does).
#[test]
fn without_a_release_install_sh_says_so_and_runs_cargo_install() {
    let home = Home::new();
    let server = ReleaseServer::start(None);
    let (tripwire, cargo_log) = home.cargo_tripwire();

    let output = home.install(&[], &[("LAKEOPS_RELEASE_URL", &server.url())], Some(&tripwire));

    let stdout = text(&output.stdout);
    let said: Vec<&str> = stdout.lines().filter(|l| l.contains("no published binary")).collect();
    assert_eq!(said.len(), 1, "{}", describe(&output));
    let expected = format!(
        "install.sh: no published binary of lakeops {VERSION} for {} at {}/{} (",
        release_target(),
        server.url(),
        tarball_name()
    );
    assert!(said[0].starts_with(&expected), "{}", said[0]);
    assert!(said[0].contains("404") && said[0].ends_with("); building from source"), "{}", said[0]);
    assert_eq!(server.requests(), vec![format!("{}/{}", release_path(), tarball_name())]);
    let called = std::fs::read_to_string(&cargo_log).expect("cargo was called");
    assert_eq!(
        called.trim(),
        format!("install --path {} --locked --force --root {}", repo().display(), home.root().display())
    );
    // The tripwire failed the build: install.sh stops there and says so.
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("cargo install failed"), "{}", describe(&output));
    assert!(!home.root().join("bin/lakeops").exists());
}

#[test]
fn from_source_asks_for_no_release() {
    let home = Home::new();
    let server = ReleaseServer::start(None);
    let (tripwire, cargo_log) = home.cargo_tripwire();

    home.install(&["--from-source"], &[("LAKEOPS_RELEASE_URL", &server.url())], Some(&tripwire));
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(cargo_log.exists(), "cargo install ran");

    std::fs::remove_file(&cargo_log).unwrap();
    home.install(&[], &[("LAKEOPS_RELEASE_URL", &server.url()), ("LAKEOPS_FROM_SOURCE", "1")], Some(&tripwire));
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(cargo_log.exists(), "cargo install ran");
}

/// The whole fallback for real: no release (the server answers 404), so install.sh runs `cargo
/// install --path <this checkout> --debug` (LAKEOPS_INSTALL_DEBUG=1; a release build takes half an
/// hour) in this test's own target directory, where the dependencies are built already, and
/// installs the completions and the man page with the binary it built.
///
/// Ignored by default: `cargo install` builds without the dev-dependencies' features, so it
/// compiles the lakeops crate again rather than reusing the binary this test runs, about six
/// minutes on a busy two-core machine after each change to the sources (cargo test has released
/// the target directory's lock by then: nothing blocks). It also leaves target/debug/lakeops linked
/// to that build until the next cargo build. Run it with
/// `cargo test --test install -- --ignored`.
#[test]
#[ignore = "compiles lakeops from source, minutes: cargo test --test install -- --ignored"]
fn without_a_release_install_sh_builds_from_source() {
    let home = Home::new();
    let server = ReleaseServer::start(None);
    let target_dir =
        Path::new(BIN).parent().and_then(Path::parent).expect("the target directory of this test's binary");

    let output = home.install(
        &[],
        &[
            ("LAKEOPS_RELEASE_URL", &server.url()),
            ("LAKEOPS_INSTALL_DEBUG", "1"),
            ("CARGO_TARGET_DIR", &target_dir.display().to_string()),
            ("CARGO_NET_OFFLINE", "true"),
        ],
        None,
    );

    assert!(output.status.success(), "{}", describe(&output));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("no published binary"), "{stdout}");
    assert!(stdout.contains("installed") && stdout.contains("(built from source)"), "{stdout}");
    assert!(text(&output.stderr).contains("Installing"), "cargo install ran:\n{}", describe(&output));
    assert_eq!(server.requests(), vec![format!("{}/{}", release_path(), tarball_name())]);
    assert_installed(&home);
}

#[test]
fn an_unknown_option_is_refused_with_exit_2() {
    let home = Home::new();
    let (tripwire, cargo_log) = home.cargo_tripwire();
    let output = home.install(&["--form-source"], &[], Some(&tripwire));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(text(&output.stderr).contains("unknown option '--form-source'"), "{}", describe(&output));
    assert!(!cargo_log.exists());
    assert!(!home.root().exists());
}

/// `{ key }` (or `{key}`) of a binstall template replaced by its value; an unknown key fails.
fn render(template: &str, values: &BTreeMap<&str, &str>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map(|c| open + c).expect("a closing brace");
        let key = rest[open + 1..close].trim();
        out.push_str(values.get(key).unwrap_or_else(|| panic!("{key} is not a template key here")));
        rest = &rest[close + 1..];
    }
    out + rest
}

fn binstall_metadata() -> toml::Table {
    let manifest: toml::Table =
        std::fs::read_to_string(repo().join("Cargo.toml")).unwrap().parse().expect("Cargo.toml parses");
    manifest["package"]["metadata"]["binstall"].as_table().expect("[package.metadata.binstall]").clone()
}

#[test]
fn binstall_asks_for_the_url_install_sh_fetches_and_finds_the_binary_the_tarball_holds() {
    let binstall = binstall_metadata();
    let target = release_target();
    let values = BTreeMap::from([
        ("name", "lakeops"),
        ("bin", "lakeops"),
        ("version", VERSION),
        ("target", target),
        ("binary-ext", ""),
    ]);
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"), "the tarballs are gzipped tar");

    // The URL: binstall's, rendered for this machine, is the one install.sh asks for by default.
    let pkg_url = render(binstall["pkg-url"].as_str().expect("pkg-url"), &values);
    let home = Home::new();
    let printed = home.install(&["--print-url"], &[], None);
    assert!(printed.status.success(), "{}", describe(&printed));
    assert_eq!(text(&printed.stdout).trim(), pkg_url);
    assert!(pkg_url.ends_with(&format!("/v{VERSION}/{}", tarball_name())), "{pkg_url}");

    // The layout: bin-dir is where the tarball dist/package.sh makes has the binary.
    let bin_dir = render(binstall["bin-dir"].as_str().expect("bin-dir"), &values);
    let tarball = release_in(&home.path("release"));
    let listing = Command::new("tar").arg("-tzf").arg(&tarball).output().expect("run tar");
    assert!(listing.status.success(), "{}", describe(&listing));
    let entries = text(&listing.stdout);
    assert!(entries.lines().any(|entry| entry == bin_dir), "{bin_dir} not in:\n{entries}");
    let folder = format!("lakeops-{VERSION}-{target}");
    for expected in [
        "completions/lakeops.bash",
        "completions/_lakeops",
        "completions/lakeops.fish",
        "man/lakeops.1",
        "README.md",
        "profiles/sandbox.toml",
        "themes/default.toml",
    ] {
        let entry = format!("{folder}/{expected}");
        assert!(entries.lines().any(|e| e == entry), "{entry} not in:\n{entries}");
    }
    // And the checksum file is sha256sum's line for it.
    let sums = std::fs::read_to_string(home.path("release").join(format!("{}.sha256", tarball_name()))).unwrap();
    let fields: Vec<&str> = sums.split_whitespace().collect();
    assert_eq!(fields.len(), 2, "{sums}");
    assert!(fields[0].len() == 64 && fields[0].chars().all(|c| c.is_ascii_hexdigit()), "{sums}");
    assert_eq!(fields[1], tarball_name());
}

/// Every command of the command line, as its full invocation (`lakeops glue run`), from clap.
fn invocations(command: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    for sub in command.get_subcommands().filter(|c| !c.is_hide_set() && c.get_name() != "help") {
        let invocation = format!("{prefix} {}", sub.get_name());
        invocations(sub, &invocation, out);
        out.push(invocation);
    }
}

#[test]
fn the_man_page_is_roff_and_names_every_command() {
    let output = Command::new(BIN).arg("manpage").output().expect("run lakeops manpage");
    assert!(output.status.success(), "{}", describe(&output));
    let page = text(&output.stdout);
    assert!(page.starts_with(".TH"), "{}", &page[..page.len().min(200)]);
    // roff writes a hyphen as \-; the headings are what man shows.
    let headings: Vec<String> = page
        .lines()
        .filter_map(|line| line.strip_prefix(".SS "))
        .map(|heading| heading.trim_matches('"').replace("\\-", "-"))
        .collect();
    let mut expected = Vec::new();
    invocations(&lakeops::cli::Cli::command(), "lakeops", &mut expected);
    assert!(expected.len() > 20, "clap lists the commands: {expected:?}");
    for invocation in &expected {
        assert!(headings.contains(invocation), "the man page has no section for `{invocation}`: {headings:?}");
    }
    assert_eq!(headings.len(), expected.len(), "one section per command: {headings:?}");
    for option in ["\\-\\-profile", "\\-\\-readonly", "\\-\\-dry\\-run"] {
        assert!(page.contains(option), "the man page names {option}");
    }
}
