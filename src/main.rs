#![warn(clippy::print_stderr)]
use std::process::ExitCode;

use lakeops::app::{App, Header, Keymap};
use lakeops::cli::{Cli, Command, ProvisionCommand, QuicksightCommand, SandboxCommand, SourcesCommand};
use lakeops::headless::{self, Failure};
use lakeops::model::text::sanitize_keeping_lines;
use lakeops::sandbox::engine::worker;
use lakeops::settings::{self, Overrides, Paths};

/// The static Linux (musl) binaries allocate with mimalloc: musl's allocator maps and unmaps
/// memory for nearly every allocation (Cargo.toml, docs/performance.md).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Started again by itself as the sandbox engine's worker, for one query.
    let mut arguments = std::env::args_os().skip(1);
    if arguments.next().is_some_and(|first| first == worker::ARGUMENT) {
        return worker::serve(arguments.next());
    }
    if let Some(program) = worker::this_program() {
        worker::set_program(program);
    }
    let cli = match Cli::from_args() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version on stdout (exit 0) and usage errors on stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let paths = Paths::from_env();
    let log_problem = lakeops::logging::init(&paths.log_file()).err();
    lakeops::sandbox::engine::threads::install_panic_filter();
    // A completion script is for the shell and the manual page for man, both written as clap makes
    // them; everything else printed here may carry text from AWS (CloudFormation's reasons, names)
    // and is made safe first.
    let script = matches!(cli.command, Some(Command::Completions { .. } | Command::Manpage));
    let log_problem = match fleet(&cli, &paths, log_problem) {
        Ok(code) => return code,
        Err(log_problem) => log_problem,
    };
    match run(cli, &paths, log_problem) {
        Ok(out) => {
            let out = if script { out } else { sanitize_keeping_lines(&out) };
            match write_out(&out) {
                Ok(()) => ExitCode::SUCCESS,
                // A reader that stopped early (`| head`) has what it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    lakeops::note!("lakeops: cannot write the output: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(failure) => {
            // A verdict for scripts (`lakeops slo`) prints its document as on success, then fails.
            if let Some(out) = failure.output() {
                let _ = write_out(&sanitize_keeping_lines(out));
            }
            failed(&failure)
        }
    }
}

/// Several profiles at once (`--profile a,b`, `--all`): the fleet console, or `status` of each; any
/// other command takes one profile. Hands `log_problem` back when the command line names one
/// profile (or none): everything then goes on as for one.
fn fleet(cli: &Cli, paths: &Paths, log_problem: Option<String>) -> Result<ExitCode, Option<String>> {
    use lakeops::session::fleet;
    // Lists that read no profile work whatever LAKEOPS_PROFILE holds.
    if matches!(cli.command, Some(Command::Profiles | Command::Themes | Command::Completions { .. } | Command::Manpage))
    {
        return Err(log_problem);
    }
    let names = match fleet::chosen(cli.global.profile.as_deref(), cli.global.all, paths) {
        Ok(Some(names)) => names,
        Ok(None) => return Err(log_problem),
        Err(failure) => return Ok(failed(&failure)),
    };
    let matches = <Cli as clap::CommandFactory>::command().try_get_matches().ok();
    let profile_given = matches.as_ref().is_some_and(|m| {
        let given = |m: &clap::ArgMatches| m.value_source("profile") == Some(clap::parser::ValueSource::CommandLine);
        given(m) || m.subcommand().is_some_and(|(_, sub)| given(sub))
    });
    if cli.global.all && profile_given {
        return Ok(failed(&Failure::Invalid(
            "--all reads every profile of yours: give --all or --profile, not both".into(),
        )));
    }
    if cli.command.as_ref().is_some_and(|c| !matches!(c, Command::Status { .. })) {
        let name = matches.as_ref().and_then(|m| m.subcommand_name()).unwrap_or("this command");
        return Ok(failed(&Failure::Invalid(format!(
            "lakeops {name} takes one profile: give it one (--profile NAME); only the console (lakeops) and \
             `lakeops status` take several (--profile a,b or --all)"
        ))));
    }
    let env: Vec<(String, String)> = std::env::vars().collect();
    let members = fleet::load(&names, &Overrides::from(&cli.global), paths, &env);
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return Ok(failed(&Failure::Platform(format!("cannot start the async runtime: {e}")))),
    };
    let (out, failure) = runtime.block_on(async {
        match &cli.command {
            Some(Command::Status { json }) => {
                let statuses = headless::fleet::read_all(members, paths).await;
                let out = if *json { headless::fleet::to_json(&statuses) } else { headless::fleet::to_text(&statuses) };
                (out, headless::fleet::failure(&statuses))
            }
            _ => (String::new(), fleet_console(members, paths, &cli.global, log_problem).await.err()),
        }
    });
    // What could be read is printed even when a profile could not be.
    let written = match write_out(&sanitize_keeping_lines(&out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            lakeops::note!("lakeops: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    };
    Ok(failure.map_or(written, |f| failed(&f)))
}

/// The longest word an error says whole: an ARN, a path and a long name fit.
const SAID_WORD_CHARS: usize = 300;

/// Says how the command failed, on stderr, and the exit code that says it.
fn failed(failure: &Failure) -> ExitCode {
    // A name pasted by mistake (a whole file) is said in a line, not a screenful.
    let message = lakeops::model::text::long_words_cut(failure.message(), SAID_WORD_CHARS);
    tracing::warn!("exit {}: {message}", failure.exit_code());
    lakeops::note!("lakeops: {}", sanitize_keeping_lines(&message));
    ExitCode::from(failure.exit_code())
}

/// The fleet overview: a row per profile; enter opens one's own console (this program again).
async fn fleet_console(
    members: Vec<lakeops::session::fleet::Member>,
    paths: &Paths,
    global: &lakeops::cli::Global,
    log_problem: Option<String>,
) -> Result<(), Failure> {
    use lakeops::runtime::fleet::{rows, run, Opener};
    // The fleet's own screen takes the first profile's theme and keys (config.toml's apply to each).
    let first = members.iter().find_map(|m| m.loaded.as_ref().ok());
    let theme = first.map(|l| l.theme.clone()).unwrap_or_else(settings::Theme::default_theme);
    let keys = first.and_then(|l| Keymap::configured(&l.keys).ok()).unwrap_or_default();
    let mut fleet = lakeops::app::fleet::Fleet::new(rows(&members), keys);
    fleet.notice = log_problem.map(|problem| format!("logging is off: {problem}"));
    let program = std::env::current_exe()
        .map_err(|e| Failure::Platform(format!("cannot find the lakeops program to open a profile's console: {e}")))?;
    let opener = Opener { program, flags: global.passed_on() };
    tracing::info!(profiles = members.len(), "fleet opened");
    run(fleet, members, theme, paths, opener).await.map_err(|e| {
        match e.downcast_ref::<lakeops::runtime::terminal::TaskPanicked>() {
            Some(panic) => Failure::Crashed(format!("the fleet stopped: {panic}")),
            None => Failure::Platform(format!("the fleet stopped: {e}")),
        }
    })
}

/// Writes `out` on stdout, ending with a newline.
fn write_out(out: &str) -> std::io::Result<()> {
    use std::io::Write;
    if out.is_empty() {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    if !out.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()
}

fn run(cli: Cli, paths: &Paths, log_problem: Option<String>) -> Result<String, Failure> {
    match &cli.command {
        Some(Command::Profiles) => return Ok(headless::lists::profiles(paths)),
        Some(Command::Themes) => return Ok(headless::lists::themes(paths)),
        Some(Command::Completions { shell }) => return Ok(headless::lists::completions(*shell)),
        Some(Command::Manpage) => return headless::lists::manpage(),
        _ => {}
    }
    let env: Vec<(String, String)> = std::env::vars().collect();
    let loaded = settings::load(&Overrides::from(&cli.global), paths, &env)?;
    // `[keys]` is checked with every other setting: a mistake in it stops every command.
    let keys = Keymap::configured(&loaded.keys)?;
    if let Some(Command::Keys(args)) = &cli.command {
        return headless::keys::run(&keys, args);
    }
    // A runbook is read without the platform: it must print when the platform is what is down.
    if let Some(Command::Runbook { name, json }) = &cli.command {
        return headless::runbook::run(&loaded, name, *json);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Platform(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        match cli.command {
            None => console(&loaded, paths, log_problem, keys).await.map(|_| String::new()),
            Some(Command::Status { json }) => {
                let platform = headless::connect(&loaded, paths).await?;
                let report = headless::status::report(&loaded, platform.as_ref()).await?;
                platform.flush()?;
                Ok(if json { headless::status::to_json(&report) } else { headless::status::to_text(&report) })
            }
            Some(Command::Slo { json }) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::slo::run(&loaded, platform.as_ref(), json).await;
                platform.flush()?;
                result
            }
            Some(Command::Audit(args)) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::audit::run(&loaded, paths, platform.as_ref(), &args).await;
                platform.flush()?;
                result
            }
            Some(Command::Peek(args)) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::peek::run(platform.as_ref(), &args).await;
                platform.flush()?;
                result
            }
            Some(Command::Reshard(args)) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::reshard::run(&loaded, paths, platform.as_ref(), &args).await;
                platform.flush()?;
                result
            }
            Some(Command::Query(args)) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::query::run(&loaded, paths, platform.as_ref(), &args).await;
                platform.flush()?;
                result
            }
            Some(Command::Logs(args)) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::logs::run(&loaded, platform.as_ref(), &args).await;
                platform.flush()?;
                result
            }
            Some(Command::Glue(args)) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = match &args.action {
                    Some(action) => headless::glue::run(&loaded, paths, platform.as_ref(), action).await,
                    None => headless::glue::list(platform.as_ref(), args.json).await,
                };
                platform.flush()?;
                result
            }
            Some(Command::Workflows(args)) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::workflows::run(&loaded, paths, platform.as_ref(), &args).await;
                platform.flush()?;
                result
            }
            Some(Command::Show { layer, json }) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::layers::show(&loaded, platform.as_ref(), layer, json).await;
                platform.flush()?;
                result
            }
            Some(Command::Grants { table, principal, json }) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result =
                    headless::grants::run(&loaded, platform.as_ref(), table.as_deref(), principal.as_deref(), json)
                        .await;
                platform.flush()?;
                result
            }
            Some(Command::Sources { action: SourcesCommand::Start { name, change } }) => {
                let platform = headless::connect(&loaded, paths).await?;
                let rerun = lakeops::ops::rerun::source_named(&loaded.settings.platform.sources, &name);
                let result = headless::rerun::run(&loaded, paths, platform.as_ref(), rerun, change).await;
                platform.flush()?;
                result
            }
            Some(Command::Quicksight { action: QuicksightCommand::Refresh { dataset, change } }) => {
                let platform = headless::connect(&loaded, paths).await?;
                let rerun = lakeops::ops::rerun::dataset_named(&loaded.settings.platform.quicksight.datasets, &dataset);
                let result = headless::rerun::run(&loaded, paths, platform.as_ref(), rerun, change).await;
                platform.flush()?;
                result
            }
            Some(Command::Emr(args)) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::emr::run(&loaded, paths, platform.as_ref(), &args).await;
                platform.flush()?;
                result
            }
            Some(Command::Provision { action: ProvisionCommand::Template { compact } }) => {
                headless::provision::template(&loaded, compact)
            }
            Some(Command::Provision { action }) => {
                let platform = headless::connect(&loaded, paths).await?;
                let result = headless::provision::run(&loaded, paths, platform.as_ref(), &action).await;
                platform.flush()?;
                result
            }
            Some(Command::Sandbox { action: SandboxCommand::Reset { yes } }) => {
                headless::sandbox::reset(&loaded, paths, yes).await
            }
            Some(Command::Sandbox { action: SandboxCommand::Fault { kind, off, yes } }) => {
                headless::sandbox::fault(&loaded, paths, kind, !off, yes).await
            }
            Some(
                Command::Profiles
                | Command::Themes
                | Command::Completions { .. }
                | Command::Manpage
                | Command::Keys(_)
                | Command::Runbook { .. },
            ) => Ok(String::new()),
        }
    })
}

async fn console(
    loaded: &settings::Loaded,
    paths: &Paths,
    log_problem: Option<String>,
    keys: Keymap,
) -> Result<(), Failure> {
    let platform = lakeops::session::for_console(loaded, paths)?;
    let info = platform.info();
    let header = Header { profile: loaded.profile.clone(), backend: info.backend.to_string(), location: info.location };
    let thresholds = lakeops::ops::health::Thresholds::from_alarms(&loaded.settings.platform.alarms);
    let mut app = App::new(header, thresholds, loaded.settings.console.refresh_seconds * 1000);
    app.readonly = loaded.settings.console.readonly;
    app.profile_color = loaded.settings.console.profile_color();
    app.keys = keys;
    app.peek_budget_bytes = lakeops::app::peek::budget_bytes(loaded.settings.console.peek_memory_mib);
    let platform_settings = &loaded.settings.platform;
    let for_template = loaded.clone();
    app.stack.target = Some(lakeops::app::stack::StackTarget {
        name: loaded.settings.platform.stack_name.clone(),
        template: lakeops::app::stack::Template::later(move || {
            lakeops::session::stack::template(&for_template)
                .map(|t| (t.compact(), t.parameters))
                .map_err(|f| f.message().to_string())
        }),
    });
    app.athena_target = Some((platform_settings.athena.workgroup.clone(), platform_settings.glue.database.clone()));
    app.emr.templates = platform_settings.emr.steps.clone();
    app.glue.governed = platform_settings.lakeformation.enabled;
    app.emr.cost_per_hour = platform_settings.emr.cost_per_hour;
    app.athena_rates = Some(lakeops::ops::athena::Rates {
        price_per_tb_usd: platform_settings.athena.price_per_tb_usd,
        minimum_billed_mb: platform_settings.athena.minimum_billed_mb,
    });
    let runbooks = lakeops::session::runbook::load(loaded);
    lakeops::app::alarms::set_runbooks(&mut app, runbooks, chrono::Utc::now());
    lakeops::app::slo::set_objectives(&mut app, loaded.slo.clone(), &platform_settings.glue.database);
    if let Some(problem) = log_problem {
        let message = format!("logging is off: {problem}");
        lakeops::app::report_error(&mut app, lakeops::app::ErrorSource::Log, &message, chrono::Utc::now());
    }
    tracing::info!(profile = %loaded.profile, backend = %app.header.backend, "console opened");
    lakeops::runtime::run(app, loaded.theme.clone(), platform, loaded, paths).await.map_err(|e| {
        match e.downcast_ref::<lakeops::runtime::terminal::TaskPanicked>() {
            Some(panic) => Failure::Crashed(format!("the console stopped: {panic}")),
            None => Failure::Platform(format!("the console stopped: {e}")),
        }
    })
}
