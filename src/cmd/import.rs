//! `rdmatch import FORMAT FILE... --data DIR`: wires the CLI to
//! `import::run` and prints its summary.

use crate::cli::{ImportArgs, ImportFormat};
use crate::import::{self, Format, ImportOptions};

pub fn run(args: &ImportArgs, quiet: bool) -> anyhow::Result<()> {
    let format = match args.format {
        ImportFormat::Pubmed => Format::Pubmed,
        ImportFormat::Wos => Format::Wos,
        ImportFormat::Scopus => Format::Scopus,
        ImportFormat::Openalex => Format::Openalex,
        ImportFormat::Orcid => Format::Orcid,
        ImportFormat::Researchmap => Format::Researchmap,
    };
    let opts = ImportOptions {
        format,
        files: args.files.clone(),
        data: args.data.clone(),
        add_unmatched: args.add_unmatched,
        resolve: args.resolve.clone(),
        file_mode: crate::report::files::DEFAULT_FILE_MODE,
    };
    let summary = import::run(&opts)?;
    if !quiet {
        outln!("{}", summary.render())?;
        outln!(
            "wrote {} (report: {})",
            args.data.display(),
            args.data.join("import").join("report.txt").display()
        )?;
    }
    Ok(())
}
