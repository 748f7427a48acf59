//! `rdmatch validate`: load a data folder and every optional input a run
//! would read (rdmatch.toml, locks, `--scores` files), and account for
//! every row.

use crate::cli::ValidateArgs;
use crate::config::Config;
use crate::load::{self, locks::read_all, FileCount, LoadOptions, Problem};
use crate::score::{self, ExternalError, ExternalSource, ScoreFileError};

use super::{encoding, write_stdout, Failure};

pub fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let config_path = args
        .data
        .config
        .clone()
        .unwrap_or_else(|| args.data.data.join("rdmatch.toml"));
    let (cfg, config_problem) = match super::config_for(&args.data) {
        Ok(c) => (c, None),
        Err(e) => (Config::default(), Some(format!("{e:#}"))),
    };
    // Loaded as if going on, so that locks and score files can be checked
    // against the rows that are good even when others are not.
    let opts = LoadOptions {
        encoding: encoding(args.data.encoding),
        default_max_load: cfg.assign.default_max_load,
        keep_going: true,
        literature_only: false,
    };
    let loaded = load::load(&args.data.data, &opts)?;
    let mut r = loaded.report;
    if let Some(message) = config_problem {
        let name = config_path.display().to_string();
        r.problems
            .push(Problem::file_error(&name, None, None, message));
        r.unusable_files.push(name);
    }

    let locks = match &args.locks {
        Some(p) => Some(p.clone()),
        None => load::locate_optional(&args.data.data, "locks").unwrap_or_else(|p| {
            r.problems.push(p);
            None
        }),
    };
    if let Some(path) = locks {
        let name = file_name(&path);
        match &loaded.dataset {
            Some(ds) => {
                let read = read_all(&path, ds, opts.encoding);
                if read.unusable {
                    r.unusable_files.push(name.clone());
                }
                r.files.push(FileCount {
                    file: name,
                    present: true,
                    format: String::new(),
                    read: read.rows,
                    accepted: read.locks.len(),
                    rejected: read.rows.saturating_sub(read.locks.len()),
                });
                let problems = read.problems;
                r.problems.extend(problems);
            }
            None => r.problems.push(Problem::file_warning(
                &name,
                None,
                "not checked: it refers to proposals and advisers, and a required file above cannot be read",
            )),
        }
    }

    for spec in &args.external {
        match check_scores(spec, loaded.dataset.as_ref(), opts.encoding) {
            Ok((count, note)) => {
                outln!("scores: {note}")?;
                r.files.push(count);
            }
            Err(p) => {
                r.unusable_files.push(p.file.clone());
                r.problems.push(p);
            }
        }
    }

    write_stdout(format_args!("{}", r.render(args.max_problems)))?;
    outln!(
        "\n{}: {} error(s), {} warning(s)",
        args.data.data.display(),
        r.error_count(),
        r.warning_count()
    )?;
    // Config keys that name areas or proposals the data does not have.
    if let Some(ds) = &loaded.dataset {
        cfg.check_ids(ds).map_err(|m| anyhow::anyhow!("{m}"))?;
    }
    if r.error_count() > 0 {
        if args.data.keep_going && r.file_error_count() == 0 {
            return Err(Failure::RowsLeftOut {
                rows: r.dropped_rows().len(),
                listed: "above; a run with --keep-going goes on without them".into(),
            }
            .into());
        }
        return Err(Failure::InvalidInput {
            data: args.data.data.display().to_string(),
            errors: r.error_count(),
        }
        .into());
    }
    Ok(())
}

fn file_name(p: &std::path::Path) -> String {
    p.display().to_string()
}

/// Reads a `--scores` file as a run would; its count row and what was
/// recognised, or the problem that stops it.
#[allow(clippy::result_large_err)] // at most one per file: boxing would buy nothing
fn check_scores(
    spec: &str,
    ds: Option<&crate::model::Dataset>,
    encoding: load::EncodingChoice,
) -> Result<(FileCount, String), Problem> {
    let source: ExternalSource = spec
        .parse()
        .map_err(|e: ExternalError| Problem::file_error(spec, None, None, e.to_string()))?;
    let name = file_name(&source.path);
    let file = score::read_score_file(&source.path, encoding).map_err(|e| match e {
        ScoreFileError::File { message, .. } => Problem::file_error(&name, None, None, message),
        ScoreFileError::Line { line, message, .. } => {
            Problem::file_error(&name, Some(line), None, message)
        }
        ScoreFileError::Field {
            line,
            field,
            message,
            ..
        } => Problem::file_error(&name, Some(line), Some(&field), message),
    })?;
    if let Some(ds) = ds {
        score::external::resolve(&file, ds).map_err(|e| match e {
            ExternalError::Field {
                line,
                field,
                message,
                ..
            } => Problem::file_error(&name, Some(line), Some(&field), message),
            other => Problem::file_error(&name, None, None, other.to_string()),
        })?;
    }
    let n = file.rows.len();
    Ok((
        FileCount {
            file: name,
            present: true,
            format: file.format.to_string(),
            read: n,
            accepted: n,
            rejected: 0,
        },
        file.describe(),
    ))
}
