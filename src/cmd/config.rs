//! `rdmatch config`: print the configuration in force.

use crate::cli::DataArgs;

pub fn run(args: &DataArgs) -> anyhow::Result<()> {
    let cfg = super::config_for(args)?;
    super::write_stdout(format_args!("{}", cfg.to_toml()))?;
    Ok(())
}
