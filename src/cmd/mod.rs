//! One file per subcommand: each wires library stages together for the CLI.
//! This is the edge where `anyhow` replaces the stages' typed errors.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::{DataArgs, EncodingArg};
use crate::config::Config;
use crate::load::{self, EncodingChoice, LoadOptions, Loaded};
use crate::model::Dataset;

/// Writes a line to standard output, like `println!`, but returns an error
/// instead of panicking when stdout is closed (`| head -1`) or full
/// (`> /dev/full`); see [`write_stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cmd::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub mod assign;
pub mod bench;
pub mod config;
pub mod embed;
pub mod generate;
pub mod import;
pub mod outputs;
pub mod pipeline;
pub mod progress;
pub mod run;
pub mod score;
pub mod stages;
pub mod validate;

/// Failures that map to a specific exit code (anything else exits 1).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Input data failed validation; the report has been printed.
    #[error("{errors} error(s) in {data}; fix them and run again (`rdmatch validate --data {data} --max-problems 1000` lists them all)")]
    InvalidInput { data: String, errors: usize },
    /// No assignment satisfies the constraints; the diagnosis explains why.
    #[error("no assignment satisfies the constraints:\n{0}")]
    Infeasible(String),
    /// `--keep-going` finished, without the rows it lists.
    #[error("{rows} row(s) with errors were left out (and everything that depends on them); they are listed {listed}")]
    RowsLeftOut { rows: usize, listed: String },
}

/// The process exit code for an error (see `rdmatch --help`).
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if let Some(crate::report::ReportError::Busy { .. }) =
        err.downcast_ref::<crate::report::ReportError>()
    {
        return 5;
    }
    match err.downcast_ref::<Failure>() {
        Some(Failure::Infeasible(_)) => 3,
        Some(Failure::RowsLeftOut { .. }) => 4,
        _ => 1,
    }
}

/// The error chain as one line of text for `main` to print: each cause
/// once (a message that already quotes its source, as
/// `cannot read X: No such file…` does, does not repeat it).
pub fn render_error(err: &anyhow::Error) -> String {
    let mut msg = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    msg
}

/// Standard output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output: {0}")]
pub struct StdoutError(#[source] pub std::io::Error);

/// Writes `args` to standard output and flushes. A reader that went away
/// (`rdmatch validate | head -1`) gives [`StdoutError`] with `BrokenPipe`,
/// which `main` turns into a quiet exit 0 as ripgrep does; a full device
/// (`> /dev/full`) is a reported error (exit 1).
pub fn write_stdout(args: std::fmt::Arguments) -> Result<(), StdoutError> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(StdoutError)
}

/// Whether `err` is standard output closed by its reader (a broken pipe).
pub fn is_closed_stdout(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<StdoutError>()
            .is_some_and(|e| e.0.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Output file and folder modes from `[report] file_mode`.
pub fn modes(cfg: &Config) -> anyhow::Result<crate::report::Modes> {
    let mode = crate::report::files::parse_file_mode(&cfg.report.file_mode)
        .map_err(|m| anyhow::anyhow!("{m}"))?;
    Ok(crate::report::Modes::from_file_mode(mode))
}

/// Every file a data-reading command takes as input: the files of the data
/// folder (and its `truth/`), `--config`, and `extra` (`--scores`, …).
/// Outputs never replace them without `--force`.
pub fn input_files(args: &DataArgs, extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut v = crate::report::files::files_in(&args.data);
    v.extend(crate::report::files::files_in(&args.data.join("truth")));
    v.extend(args.config.iter().cloned());
    v.extend(extra.iter().cloned());
    v
}

/// The config in force: `--config`, else `DATA/rdmatch.toml`, else defaults.
pub fn config_for(args: &DataArgs) -> anyhow::Result<Config> {
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => {
            let p = args.data.join("rdmatch.toml");
            p.is_file().then_some(p)
        }
    };
    let mut cfg = match &path {
        Some(p) => Config::from_file(p)?,
        None => Config::default(),
    };
    if args.data.is_dir() {
        cfg.score.terms = crate::text::user_terms(&args.data, encoding(args.encoding))?;
    }
    // A model folder named in rdmatch.toml is relative to that file.
    if let (Some(m), Some(p)) = (&cfg.score.embedding_model, &path) {
        if m.is_relative() {
            let base = p.parent().unwrap_or(Path::new("."));
            cfg.score.embedding_model = Some(base.join(m));
        }
    }
    if let Some(m) = &args.embedding_model {
        cfg.score.embedding_model = Some(m.clone());
    }
    Ok(cfg)
}

pub fn encoding(e: EncodingArg) -> EncodingChoice {
    match e {
        EncodingArg::Auto => EncodingChoice::Auto,
        EncodingArg::Utf8 => EncodingChoice::Utf8,
        EncodingArg::ShiftJis => EncodingChoice::ShiftJis,
        EncodingArg::Utf16 => EncodingChoice::Utf16,
    }
}

/// Loads and validates the data folder.
pub fn load_data(args: &DataArgs, cfg: &Config) -> anyhow::Result<Loaded> {
    load_data_with(args, cfg, false)
}

/// [`load_data`]; with `literature_only` the call files may be absent.
fn load_data_with(args: &DataArgs, cfg: &Config, literature_only: bool) -> anyhow::Result<Loaded> {
    let opts = LoadOptions {
        encoding: encoding(args.encoding),
        default_max_load: cfg.assign.default_max_load,
        keep_going: args.keep_going,
        literature_only,
    };
    load::load(&args.data, &opts).with_context(|| format!("loading {}", args.data.display()))
}

/// Loads the data, prints problems to stderr, and fails on any error
/// (including config keys naming IDs the data does not have).
pub fn load_checked(
    args: &DataArgs,
    cfg: &Config,
    quiet: bool,
) -> anyhow::Result<(Dataset, load::ValidationReport)> {
    load_checked_with(args, cfg, quiet, false)
}

/// [`load_checked`]; with `literature_only` the call files (areas,
/// advisers, proposals, members) may be absent, as in an import.
pub fn load_checked_with(
    args: &DataArgs,
    cfg: &Config,
    quiet: bool,
    literature_only: bool,
) -> anyhow::Result<(Dataset, load::ValidationReport)> {
    let loaded = load_data_with(args, cfg, literature_only)?;
    let errors = loaded.report.error_count();
    if errors > 0 || !quiet {
        eprint!("{}", loaded.report.render(if errors > 0 { 50 } else { 10 }));
    }
    if errors > 0 && loaded.dataset.is_some() {
        eprintln!(
            "--keep-going: going on without {} rejected row(s); they are listed in the outputs",
            loaded.report.rejected_rows()
        );
    }
    match loaded.dataset {
        Some(ds) => {
            cfg.check_ids(&ds).map_err(|m| anyhow::anyhow!("{m}"))?;
            Ok((ds, loaded.report))
        }
        None => Err(Failure::InvalidInput {
            data: args.data.display().to_string(),
            errors,
        }
        .into()),
    }
}

/// What `run` and `coverage` start from: the checked data, its report, the
/// locks (`DATA/locks.csv` when present) and the `--scores` files.
pub struct Inputs {
    pub ds: Dataset,
    pub validation: load::ValidationReport,
    pub locks: Vec<load::locks::Lock>,
    pub external: Option<crate::score::ReadExternal>,
}

pub fn load_inputs(
    data: &DataArgs,
    external: &[String],
    cfg: &Config,
    quiet: bool,
    progress: &mut progress::Progress,
) -> anyhow::Result<Inputs> {
    let (ds, validation) =
        progress.stage("load and validate", || load_checked(data, cfg, quiet))?;
    let locks = assign::locks_for(&data.data, None, &ds, encoding(data.encoding))?;
    let external = score::external_scores(external, &ds, data, quiet)?;
    let external = embed::add_embedding(external, &ds, cfg, &data.data, quiet, progress)?;
    Ok(Inputs {
        ds,
        validation,
        locks,
        external,
    })
}

/// After a command has written everything: with `--keep-going`, rows that
/// were left out make the command exit 4 (see [`Failure::RowsLeftOut`]).
pub fn left_out(report: &load::ValidationReport, listed: &str) -> anyhow::Result<()> {
    if report.error_count() == 0 {
        return Ok(());
    }
    Err(Failure::RowsLeftOut {
        rows: report.dropped_rows().len(),
        listed: listed.to_string(),
    }
    .into())
}

/// Writes `bytes` to `path`, naming the path on failure.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
