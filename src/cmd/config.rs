//! `rdmatch config`: print the configuration in force.

use crate::cli::DataArgs;

pub fn run(args: &DataArgs) -> anyhow::Result<()> {
    let cfg = super::config_for(args)?;
    print!("{}", cfg.to_toml());
    Ok(())
}
