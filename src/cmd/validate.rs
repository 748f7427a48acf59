//! `rdmatch validate`: load a data folder and account for every row.

use crate::cli::ValidateArgs;

use super::{config_for, load_data, Failure};

pub fn run(args: &ValidateArgs) -> anyhow::Result<()> {
    let cfg = config_for(&args.data)?;
    let loaded = load_data(&args.data, &cfg)?;
    let r = &loaded.report;
    print!("{}", r.render(args.max_problems));
    println!(
        "\n{}: {} error(s), {} warning(s)",
        args.data.data.display(),
        r.error_count(),
        r.warning_count()
    );
    if r.error_count() > 0 {
        return Err(Failure::InvalidInput {
            data: args.data.data.display().to_string(),
            errors: r.error_count(),
        }
        .into());
    }
    Ok(())
}
