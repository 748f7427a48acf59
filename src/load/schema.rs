//! The input files and their columns: the one description that the loader
//! checks against and that `docs/data-format.md` documents.

/// One column of an input file.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    /// The column must be present in the header.
    pub required: bool,
    /// Every row must have a non-empty value (only meaningful if `required`).
    pub non_empty: bool,
}

/// One input file.
#[derive(Clone, Copy, Debug)]
pub struct FileSpec {
    pub name: &'static str,
    /// The file itself may be absent (`conflicts.csv`, `affiliations.csv`,
    /// `relations.csv`).
    pub optional: bool,
    pub columns: &'static [Column],
}

impl FileSpec {
    /// The table's name without extension (`proposals`): the file may be
    /// `.csv`, `.tsv`, `.txt` or `.xlsx`.
    pub fn stem(&self) -> &'static str {
        self.name.strip_suffix(".csv").unwrap_or(self.name)
    }
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
        non_empty: true,
    }
}
/// Column that must be present but whose cells may be blank.
const fn blank_ok(name: &'static str) -> Column {
    Column {
        name,
        required: true,
        non_empty: false,
    }
}
/// Column that may be absent altogether.
const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
        non_empty: false,
    }
}

pub const INSTITUTIONS: FileSpec = FileSpec {
    name: "institutions.csv",
    optional: false,
    columns: &[
        req("institution_id"),
        req("name"),
        req("sector"),
        req("country"),
        opt("region"),
        opt("sector_source"),
    ],
};
pub const RESEARCHERS: FileSpec = FileSpec {
    name: "researchers.csv",
    optional: false,
    columns: &[
        req("researcher_id"),
        req("name"),
        req("institution_id"),
        opt("position"),
        opt("keywords"),
        opt("orcid"),
        opt("erad_id"),
        opt("gender"),
        opt("region"),
    ],
};
pub const AREAS: FileSpec = FileSpec {
    name: "areas.csv",
    optional: false,
    columns: &[
        req("area_id"),
        req("name"),
        req("program"),
        blank_ok("description"),
        blank_ok("keywords"),
    ],
};
pub const ADVISERS: FileSpec = FileSpec {
    name: "advisers.csv",
    optional: false,
    columns: &[req("researcher_id"), req("area_ids"), opt("max_load")],
};
pub const PROPOSALS: FileSpec = FileSpec {
    name: "proposals.csv",
    optional: false,
    columns: &[
        req("proposal_id"),
        req("area_id"),
        req("title"),
        blank_ok("abstract"),
        blank_ok("keywords"),
        req("pi_id"),
        req("year"),
        opt("budget"),
        opt("excluded_reviewers"),
    ],
};
pub const MEMBERS: FileSpec = FileSpec {
    name: "proposal_members.csv",
    optional: false,
    columns: &[req("proposal_id"), req("researcher_id"), req("role")],
};
pub const PUBLICATIONS: FileSpec = FileSpec {
    name: "publications.csv",
    optional: false,
    columns: &[
        req("publication_id"),
        req("year"),
        req("title"),
        opt("abstract"),
        opt("keywords"),
        opt("doi"),
        opt("pmid"),
        opt("wos_ut"),
        opt("scopus_eid"),
        opt("openalex_id"),
    ],
};
pub const AUTHORSHIPS: FileSpec = FileSpec {
    name: "authorships.csv",
    optional: false,
    columns: &[req("publication_id"), req("researcher_id")],
};
pub const CONFLICTS: FileSpec = FileSpec {
    name: "conflicts.csv",
    optional: true,
    columns: &[
        req("researcher_id"),
        opt("proposal_id"),
        opt("other_researcher_id"),
        opt("reason"),
    ],
};

pub const AFFILIATIONS: FileSpec = FileSpec {
    name: "affiliations.csv",
    optional: true,
    columns: &[
        req("researcher_id"),
        req("institution_id"),
        opt("department"),
        opt("start_year"),
        opt("end_year"),
        opt("source"),
    ],
};
pub const RELATIONS: FileSpec = FileSpec {
    name: "relations.csv",
    optional: true,
    columns: &[
        req("researcher_id"),
        req("other_researcher_id"),
        req("relation"),
        opt("start_year"),
        opt("end_year"),
    ],
};

/// Every input file, in the order they are loaded (referenced files first).
pub const ALL: [FileSpec; 11] = [
    INSTITUTIONS,
    RESEARCHERS,
    AREAS,
    ADVISERS,
    PROPOSALS,
    MEMBERS,
    PUBLICATIONS,
    AUTHORSHIPS,
    CONFLICTS,
    AFFILIATIONS,
    RELATIONS,
];

/// The files that describe a call rather than the literature.
pub const CALL_FILES: [&str; 4] = [AREAS.name, ADVISERS.name, PROPOSALS.name, MEMBERS.name];

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/data-format.md documents every file and every column of this
    /// schema, in that file's section, so the page cannot drift from it.
    #[test]
    fn data_format_doc_lists_every_column() {
        let doc =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/data-format.md"))
                .expect("docs/data-format.md");
        for spec in ALL {
            let start = doc
                .find(&format!("## {}", spec.name))
                .unwrap_or_else(|| panic!("docs/data-format.md has no section for {}", spec.name));
            let section = &doc[start..];
            let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
            let section = &section[..end];
            for c in spec.columns {
                assert!(
                    section.contains(&format!("| {} |", c.name)),
                    "docs/data-format.md, section {}, lacks column {}",
                    spec.name,
                    c.name
                );
            }
        }
    }
}
