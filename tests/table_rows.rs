//! Every typed input row reads a file written from it back to the same
//! row, and finds its columns under each of its header aliases: a header
//! of the struct's own field names (or of its aliases, in reverse order),
//! one row of distinct cells, read through `table::read` and the row's
//! `Layout`, written again through `CsvWriter`, gives the same bytes.

use rdmatch::table::{read_bytes, CsvRow, CsvWriter, InputRow, Layout, Names, ReadOptions};

fn table(text: &str) -> rdmatch::table::RawTable {
    let t = read_bytes(
        text.as_bytes(),
        &ReadOptions {
            header: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(t.rejected.is_empty(), "{text}");
    t
}

macro_rules! round_trip {
    ($($t:ident),* $(,)?) => {$({
        let name = stringify!($t);
        let fields = <$t as InputRow>::FIELDS;
        let columns = <$t as CsvRow>::COLUMNS;
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        assert_eq!(names, columns, "{name}: read and written columns");
        let cells: Vec<String> = (0..columns.len()).map(|k| format!("v{k} x")).collect();
        let text = format!("{}\n{}\n", columns.join(","), cells.join(","));
        let t = table(&text);
        let layout = Layout::find::<$t>(&t.header, Names::Exact);
        assert!(layout.missing::<$t>().is_empty(), "{name}");
        let row: $t = layout.row(&t.row(0)).unwrap();
        let mut w = CsvWriter::new(Vec::new());
        w.header::<$t>().unwrap();
        w.serialize(&row).unwrap();
        assert_eq!(String::from_utf8(w.into_inner().unwrap()).unwrap(), text, "{name}");

        // Each field under its last alias, upper-cased, columns reversed.
        if fields.iter().any(|f| !f.aliases.is_empty()) {
            let header: Vec<String> = fields
                .iter()
                .rev()
                .map(|f| f.aliases.last().copied().unwrap_or(f.name).to_ascii_uppercase())
                .collect();
            let reversed: Vec<&str> = cells.iter().rev().map(String::as_str).collect();
            let t = table(&format!("{}\n{}\n", header.join(","), reversed.join(",")));
            let layout = Layout::find::<$t>(&t.header, Names::IgnoreCase);
            assert!(layout.missing::<$t>().is_empty(), "{name}: {header:?}");
            let again: $t = layout.row(&t.row(0)).unwrap();
            assert_eq!(again, row, "{name} under its aliases");
        }
    })*};
}

#[test]
fn every_input_row_reads_back_what_it_writes() {
    use rdmatch::assign::edits::EditSheetRow;
    use rdmatch::assign::io::StandaloneConflictRow;
    use rdmatch::assign::stability::PreviousPairRow;
    use rdmatch::import::report::DecisionRow;
    use rdmatch::import::scopus::ScopusRow;
    use rdmatch::import::wos::WosTabRow;
    use rdmatch::load::locks::LockRow;
    use rdmatch::network::edges::{EdgeRow, NodeFileRow};
    use rdmatch::report::changes::{
        PreviousAssignmentRow, PreviousCoverageRow, PreviousLoadRow, PreviousProposalRow,
    };
    use rdmatch::score::score_file::ScoreFileRow;
    use rdmatch::text::TermRow;
    round_trip!(
        LockRow,
        ScoreFileRow,
        EditSheetRow,
        EdgeRow,
        NodeFileRow,
        StandaloneConflictRow,
        PreviousPairRow,
        PreviousAssignmentRow,
        PreviousProposalRow,
        PreviousCoverageRow,
        PreviousLoadRow,
        DecisionRow,
        TermRow,
        WosTabRow,
        ScopusRow,
    );
}

/// A file without a required column names it; an optional column may be
/// absent and reads as `None`.
#[test]
fn missing_columns_are_named_and_optional_ones_read_as_none() {
    use rdmatch::network::edges::NodeFileRow;
    let t = table("label,sector\nAnn,industry\n");
    let layout = Layout::find::<NodeFileRow>(&t.header, Names::IgnoreCase);
    assert_eq!(layout.missing::<NodeFileRow>(), ["id"]);
    let t = table("ID,Sector\nA,industry\n");
    let layout = Layout::find::<NodeFileRow>(&t.header, Names::IgnoreCase);
    let row: NodeFileRow = layout.row(&t.row(0)).unwrap();
    assert_eq!(
        (row.id, row.label, row.sector, row.area),
        ("A", None, Some("industry"), None)
    );
}
