//! `rdmatch validate`: load a data folder and account for every row.

use crate::cli::ValidateArgs;

use super::{config_for, load_data, write_stdout, Failure};

pub fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let cfg = config_for(&args.data)?;
    let loaded = load_data(&args.data, &cfg)?;
    let r = &loaded.report;
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
        return Err(Failure::InvalidInput {
            data: args.data.data.display().to_string(),
            errors: r.error_count(),
        }
        .into());
    }
    Ok(())
}
