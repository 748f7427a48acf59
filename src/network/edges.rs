//! The edge-list input of `rdmatch network --edges FILE [--nodes FILE]`:
//! a collaboration network made elsewhere (a bibliometric export, another
//! tool's co-authorship list) analysed without a full data folder.
//!
//! **Takes** two tables with a header row, read by the shared table layer
//! ([`crate::table::read`]) like every data-folder file: CSV, tab- or
//! semicolon-separated text (delimiter detected from the header), UTF-8
//! with or without a byte-order mark, UTF-16, or CP932/Shift_JIS as older
//! Japanese Excel saves it (`--encoding`), LF or CRLF line ends, quoted
//! line breaks; or an `.xlsx` workbook:
//! * edges: the first two columns are researcher IDs, an optional third
//!   column is a positive weight (default 1); a column named `year`, if
//!   present, gives the year of the tie (for GEXF's first/last year).
//!   Self-loops are ignored and counted; a pair listed more than once
//!   (either order) is one edge whose weight is the sum of its rows;
//! * nodes (optional): a column `id` (or the first column) plus any of
//!   `label`/`name`, `institution`, `sector` (academia, industry,
//!   government, hospital, nonprofit), `area` (several separated by `;`);
//!   other columns are ignored. Nodes without a tie are kept as isolated.
//!
//! Every problem is located like the loader's ([`Problem`]): file, line
//! (or worksheet cell) and column, e.g. `edges.csv:7: column 'weight': "x"
//! is not a number`; a row with the wrong number of fields is reported by
//! the table layer with the loader's wording. The command needs no data
//! folder.
//!
//! **Hands on** an [`EdgeInput`]: a [`Dataset`] with one researcher per
//! node (institutions, sectors and areas from the node file), the
//! researchers' areas, the weighted edge list and the counts of what was
//! ignored or merged.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::label::Known;
use crate::load::Problem;
use crate::model::{Area, AreaIx, Dataset, Institution, Researcher, Sector, Tables};
use crate::table::{self, EncodingChoice, Layout, Names, Position, RawTable, ReadOptions};

crate::read_row! {
    /// One row of an edge list. The columns are found by position, not
    /// name: the first two are the researcher IDs, the third (unless it is
    /// named `year`) the weight; a column named `year` (any case, from the
    /// third on) the year of the tie.
    pub struct EdgeRow<'a> {
        pub source: &'a str,
        pub target: &'a str,
        /// Blank or absent: 1.
        pub weight: Option<&'a str>,
        pub year: Option<&'a str>,
    }
}

crate::read_row! {
    /// One row of a node file (`--nodes`): the node's ID (the column `id`
    /// or `researcher_id`, else the first column) and what is known of it;
    /// header names are compared without case, other columns are ignored.
    pub struct NodeFileRow<'a> {
        pub id: &'a str | "researcher_id",
        pub label: Option<&'a str> | "name",
        pub institution: Option<&'a str> | "institution_id" | "affiliation",
        /// academia, industry, government, hospital or nonprofit.
        pub sector: Option<&'a str>,
        /// Several separated by `;`.
        pub area: Option<&'a str> | "areas" | "area_id",
    }
}

/// Problems listed in the error message at most.
const MAX_LISTED: usize = 20;

/// The edge or node file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum EdgeFileError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render(.0))]
    Invalid(Vec<Problem>),
}

fn render(problems: &[Problem]) -> String {
    let mut s = format!("{} error(s) in the network input:", problems.len());
    for p in problems.iter().take(MAX_LISTED) {
        s.push_str(&format!("\n  {p}"));
    }
    if problems.len() > MAX_LISTED {
        s.push_str(&format!("\n  ... and {} more", problems.len() - MAX_LISTED));
    }
    s
}

/// One undirected edge, `u < v` (node indexes).
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedEdge {
    pub u: usize,
    pub v: usize,
    /// Sum of the weights of its rows, > 0.
    pub weight: f64,
    /// Rows that named this pair.
    pub rows: u32,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
}

/// The network read from the files.
#[derive(Clone, Debug)]
pub struct EdgeInput {
    /// One researcher per node; ID order of first appearance (edge file,
    /// then node-file-only IDs).
    pub dataset: Dataset,
    /// Areas of each node (from the node file's `area` column).
    pub areas_of: Vec<Vec<AreaIx>>,
    /// Edges `u < v`, ascending.
    pub edges: Vec<WeightedEdge>,
    pub known: Known,
    pub edge_rows: usize,
    pub self_loops_ignored: usize,
    /// Rows that repeated a pair already read (their weight was added).
    pub duplicate_rows_merged: usize,
}

/// The collaboration graph of the input: one node per ID, one edge per
/// pair; `joint_pubs` holds the number of rows of the pair and the years
/// come from the `year` column.
pub fn graph(input: &EdgeInput) -> crate::graph::CollabGraph {
    let mut endpoints = Vec::with_capacity(input.edges.len());
    let mut weights = Vec::with_capacity(input.edges.len());
    for e in &input.edges {
        // Node indexes come from the interner, so they fit u32 whenever the
        // graph fits in memory; a larger input fails here rather than wrapping.
        let (u, v) = (
            u32::try_from(e.u).expect("fewer than 2^32 nodes"),
            u32::try_from(e.v).expect("fewer than 2^32 nodes"),
        );
        endpoints.push((u, v));
        weights.push(crate::graph::CollabEdge {
            joint_pubs: e.rows,
            first_pub_year: e.first_year,
            last_pub_year: e.last_year,
            joint_proposals: 0,
        });
    }
    crate::graph::from_sorted(input.dataset.researchers.len(), endpoints, weights)
}

/// A problem at row `pos`, field `field` of `layout` (named as the file's
/// header names it); a workbook's cell gets its `Sheet!A1` address.
fn at(
    t: &RawTable,
    layout: &Layout,
    file: &str,
    pos: &Position,
    field: usize,
    message: String,
) -> Problem {
    Problem {
        cell: layout.address(&t.format, pos, field),
        ..Problem::file_error(file, Some(pos.line()), Some(layout.name(field)), message)
    }
}

fn file_problem(file: &str, message: String) -> Problem {
    Problem::file_error(file, None, None, message)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a table through the table layer; a file that is not a table at
/// all (unreadable, undecodable, an unclosed quote) is one problem.
fn read_table(path: &Path, encoding: EncodingChoice) -> Result<(String, RawTable), EdgeFileError> {
    let file = file_name(path);
    let opts = ReadOptions {
        encoding,
        header: true,
    };
    match table::read_path(path, &opts) {
        Ok(t) => Ok((file, t)),
        Err(e) if !path.exists() => Err(EdgeFileError::Io {
            path: path.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, e.message),
        }),
        Err(e) => Err(EdgeFileError::Invalid(vec![Problem::file_error(
            &file, e.line, None, e.message,
        )])),
    }
}

/// Rows the table layer rejected (wrong number of fields), as problems.
fn rejected(t: &RawTable, file: &str) -> Vec<Problem> {
    t.rejected
        .iter()
        .map(|r| Problem {
            line: Some(r.position.line()),
            ..Problem::file_error(file, None, None, r.message.clone())
        })
        .collect()
}

/// Interns IDs in order of first appearance.
#[derive(Default)]
struct Ids {
    index: HashMap<String, usize>,
    ids: Vec<String>,
}

impl Ids {
    fn get(&mut self, id: &str) -> usize {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.ids.len();
        self.index.insert(id.to_string(), i);
        self.ids.push(id.to_string());
        i
    }
}

/// Node-file values of one node.
#[derive(Clone, Debug, Default)]
struct NodeRow {
    label: Option<String>,
    institution: Option<String>,
    sector: Option<Sector>,
    areas: Vec<String>,
}

/// Reads the edge file and, if given, the node file, both decoded as
/// `encoding` says.
pub fn read(
    edges_path: &Path,
    nodes_path: Option<&Path>,
    encoding: EncodingChoice,
) -> Result<EdgeInput, EdgeFileError> {
    let mut ids = Ids::default();
    let (efile, t) = read_table(edges_path, encoding)?;
    let mut problems = rejected(&t, &efile);
    let header = &t.header;
    if header.len() < 2 {
        return Err(EdgeFileError::Invalid(vec![file_problem(
            &efile,
            format!(
                "the header has {} column(s); an edge file needs two researcher-ID columns (e.g. `source,target`) and optionally a weight",
                header.len()
            ),
        )]));
    }
    let col = |i: usize| header.get(i).cloned().unwrap_or_default();
    let weight_col = (header.len() >= 3 && !col(2).eq_ignore_ascii_case("year")).then_some(2);
    let year_col = (2..header.len()).find(|&i| col(i).eq_ignore_ascii_case("year"));
    let layout = Layout::positional(
        vec![Some(0), Some(1), weight_col, year_col],
        [Some(0), Some(1), weight_col, year_col]
            .iter()
            .map(|c| c.map(col).unwrap_or_default())
            .collect(),
    );
    let mut pairs: BTreeMap<(usize, usize), WeightedEdge> = BTreeMap::new();
    let (mut rows, mut self_loops, mut dups) = (0usize, 0usize, 0usize);
    for (rec, pos) in t.rows() {
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        rows += 1;
        // Every field is text: a row always reads.
        let Ok(row) = layout.row::<EdgeRow>(&rec) else {
            continue;
        };
        let (a, b) = (row.source, row.target);
        let mut ok = true;
        for (k, v) in [(0, a), (1, b)] {
            if v.is_empty() {
                problems.push(at(
                    &t,
                    &layout,
                    &efile,
                    pos,
                    k,
                    "empty researcher ID; every row needs two IDs".into(),
                ));
                ok = false;
            }
        }
        let weight = match row.weight {
            None => Some(1.0),
            Some(s) => match s.parse::<f64>() {
                Ok(w) if w.is_finite() && w > 0.0 => Some(w),
                Ok(_) => {
                    problems.push(at(
                        &t,
                        &layout,
                        &efile,
                        pos,
                        2,
                        format!("\"{s}\" is not a positive weight; use a number > 0 or leave the cell empty for 1"),
                    ));
                    None
                }
                Err(_) => {
                    problems.push(at(
                        &t,
                        &layout,
                        &efile,
                        pos,
                        2,
                        format!("\"{s}\" is not a number; use a number > 0 or leave the cell empty for 1"),
                    ));
                    None
                }
            },
        };
        let year = match row.year {
            None => None,
            Some(s) => match s.parse::<i32>() {
                Ok(y) if (1000..=9999).contains(&y) => Some(y),
                _ => {
                    problems.push(at(
                        &t,
                        &layout,
                        &efile,
                        pos,
                        3,
                        format!("\"{s}\" is not a four-digit year"),
                    ));
                    ok = false;
                    None
                }
            },
        };
        let Some(weight) = weight.filter(|_| ok) else {
            continue;
        };
        let (ia, ib) = (ids.get(a), ids.get(b));
        if ia == ib {
            self_loops += 1;
            continue;
        }
        let key = (ia.min(ib), ia.max(ib));
        match pairs.get_mut(&key) {
            Some(e) => {
                dups += 1;
                e.weight += weight;
                e.rows += 1;
                if let Some(y) = year {
                    e.first_year = Some(e.first_year.map_or(y, |f| f.min(y)));
                    e.last_year = Some(e.last_year.map_or(y, |l| l.max(y)));
                }
            }
            None => {
                pairs.insert(
                    key,
                    WeightedEdge {
                        u: key.0,
                        v: key.1,
                        weight,
                        rows: 1,
                        first_year: year,
                        last_year: year,
                    },
                );
            }
        }
    }
    if rows == 0 && problems.is_empty() && t.rejected.is_empty() {
        problems.push(file_problem(
            &efile,
            "no edges after the header; list one pair of researcher IDs per row".into(),
        ));
    }
    let (node_rows, known) = match nodes_path {
        Some(p) => read_nodes(p, encoding, &mut ids, &mut problems)?,
        None => (HashMap::new(), Known::default()),
    };
    if !problems.is_empty() {
        return Err(EdgeFileError::Invalid(problems));
    }
    let (dataset, areas_of) = dataset(&ids.ids, &node_rows, known);
    Ok(EdgeInput {
        dataset,
        areas_of,
        edges: pairs.into_values().collect(),
        known,
        edge_rows: rows,
        self_loops_ignored: self_loops,
        duplicate_rows_merged: dups,
    })
}

fn read_nodes(
    path: &Path,
    encoding: EncodingChoice,
    ids: &mut Ids,
    problems: &mut Vec<Problem>,
) -> Result<(HashMap<usize, NodeRow>, Known), EdgeFileError> {
    let (file, t) = read_table(path, encoding)?;
    problems.extend(rejected(&t, &file));
    // Header names are compared lower-cased and named so in messages.
    let header: Vec<String> = t.header.iter().map(|c| c.to_ascii_lowercase()).collect();
    let mut layout = Layout::find::<NodeFileRow>(&header, Names::Exact);
    if layout.column(0).is_none() {
        layout.set(0, 0, header.first().map_or("id", String::as_str));
    }
    let known = Known {
        institution: layout.column(2).is_some(),
        sector: layout.column(3).is_some(),
        area: layout.column(4).is_some(),
    };
    let mut out: HashMap<usize, NodeRow> = HashMap::new();
    let mut first_line: HashMap<usize, u64> = HashMap::new();
    for (rec, pos) in t.rows() {
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = pos.line();
        // Every field is text: a row always reads.
        let Ok(row) = layout.row::<NodeFileRow>(&rec) else {
            continue;
        };
        if row.id.is_empty() {
            problems.push(at(&t, &layout, &file, pos, 0, "empty node ID".into()));
            continue;
        }
        let id = row.id;
        let ix = ids.get(id);
        if let Some(prev) = first_line.insert(ix, line) {
            problems.push(at(
                &t,
                &layout,
                &file,
                pos,
                0,
                format!("\"{id}\" is listed twice (first on line {prev}); give each node one row"),
            ));
            continue;
        }
        let sector = match row.sector {
            None => None,
            Some(s) => match Sector::parse(s) {
                Some(x) => Some(x),
                None => {
                    problems.push(at(
                        &t,
                        &layout,
                        &file,
                        pos,
                        3,
                        format!("\"{s}\" is not a sector; use academia, industry, government, hospital or nonprofit"),
                    ));
                    None
                }
            },
        };
        let areas = row
            .area
            .map(|s| {
                s.split(';')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        out.insert(
            ix,
            NodeRow {
                label: row.label.map(str::to_string),
                institution: row.institution.map(str::to_string),
                sector,
                areas,
            },
        );
    }
    Ok((out, known))
}

/// Name of the institution of nodes without one.
const UNKNOWN_INSTITUTION: &str = "(unknown)";

fn dataset(
    ids: &[String],
    rows: &HashMap<usize, NodeRow>,
    known: Known,
) -> (Dataset, Vec<Vec<AreaIx>>) {
    // An institution is a (name, sector) pair: the data model gives each
    // institution one sector.
    let mut inst_ix: BTreeMap<(String, Sector), usize> = BTreeMap::new();
    let mut institutions: Vec<Institution> = Vec::new();
    let mut area_ix: BTreeMap<String, usize> = BTreeMap::new();
    let mut areas: Vec<Area> = Vec::new();
    let mut researchers = Vec::with_capacity(ids.len());
    let mut areas_of = Vec::with_capacity(ids.len());
    let empty = NodeRow::default();
    for (i, id) in ids.iter().enumerate() {
        let row = rows.get(&i).unwrap_or(&empty);
        let name = row
            .institution
            .clone()
            .unwrap_or_else(|| UNKNOWN_INSTITUTION.to_string());
        let sector = row.sector.unwrap_or(Sector::Academia);
        let key = (name.clone(), sector);
        let inst = match inst_ix.get(&key) {
            Some(&x) => x,
            None => {
                let x = institutions.len();
                // Same name in two sectors: keep the IDs distinct.
                let same_name = inst_ix.keys().any(|(n, _)| *n == name);
                let iid = if same_name && known.sector {
                    format!("{name} ({})", sector.as_str())
                } else {
                    name.clone()
                };
                institutions.push(Institution {
                    id: iid,
                    name: name.clone(),
                    sector,
                    country: String::new(),
                    region: None,
                });
                inst_ix.insert(key, x);
                x
            }
        };
        let mut mine = Vec::new();
        for a in &row.areas {
            let x = *area_ix.entry(a.clone()).or_insert_with(|| {
                areas.push(Area {
                    id: a.clone(),
                    name: a.clone(),
                    program: String::new(),
                    description: String::new(),
                    keywords: Vec::new(),
                });
                areas.len() - 1
            });
            mine.push(x);
        }
        mine.sort_unstable();
        mine.dedup();
        areas_of.push(mine);
        researchers.push(Researcher {
            id: id.clone(),
            name: row.label.clone().unwrap_or_else(|| id.clone()),
            institution: inst,
            position: None,
            keywords: Vec::new(),
            orcid: None,
            gender: None,
            region: None,
        });
    }
    let ds = Dataset::new(Tables {
        institutions,
        researchers,
        areas,
        ..Default::default()
    });
    (ds, areas_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn crlf_self_loops_duplicates_and_weights() {
        let d = tempfile::tempdir().unwrap();
        let e = write(
            d.path(),
            "e.csv",
            "\u{feff}a,b,w,year\r\nx,y,2,2019\r\ny,x,1.5,2021\r\nz,z,1,\r\ny,z,,\r\n",
        );
        let g = read(&e, None, EncodingChoice::Auto).unwrap();
        assert_eq!(g.dataset.researchers.len(), 3);
        assert_eq!(
            (g.edge_rows, g.self_loops_ignored, g.duplicate_rows_merged),
            (4, 1, 1)
        );
        assert_eq!(g.edges.len(), 2);
        assert_eq!(g.edges[0].weight, 3.5);
        assert_eq!(g.edges[0].rows, 2);
        assert_eq!(
            (g.edges[0].first_year, g.edges[0].last_year),
            (Some(2019), Some(2021))
        );
        // An empty weight cell means 1.
        assert_eq!((g.edges[1].u, g.edges[1].v, g.edges[1].weight), (1, 2, 1.0));
    }

    #[test]
    fn bad_rows_are_located_by_line_and_column() {
        let d = tempfile::tempdir().unwrap();
        let e = write(
            d.path(),
            "edges.csv",
            "src,dst,weight\nA,B,1\nA,,1\nB,C,heavy\nC,D,-1\n",
        );
        let err = read(&e, None, EncodingChoice::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("edges.csv:3: column 'dst': empty researcher ID"),
            "{err}"
        );
        assert!(
            err.contains("edges.csv:4: column 'weight': \"heavy\" is not a number"),
            "{err}"
        );
        assert!(
            err.contains("edges.csv:5: column 'weight': \"-1\" is not a positive weight"),
            "{err}"
        );
        // CRLF line ends and a quoted line break: lines are physical lines.
        let e = write(
            d.path(),
            "crlf.csv",
            "src,dst,weight\r\n\"A\r\nx\",B,1\r\nA,,1\r\n",
        );
        let err = read(&e, None, EncodingChoice::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("crlf.csv:4: column 'dst': empty researcher ID"),
            "{err}"
        );
    }

    #[test]
    fn node_file_attributes_and_errors() {
        let d = tempfile::tempdir().unwrap();
        let e = write(d.path(), "e.csv", "a,b\nA,B\n");
        let n = write(
            d.path(),
            "n.csv",
            "id,institution,sector,area,extra\nA,U1,academia,X;Y,1\nB,C1,industry,Y,2\nC,U1,academia,,3\n",
        );
        let g = read(&e, Some(&n), EncodingChoice::Auto).unwrap();
        let ds = &g.dataset;
        assert_eq!(ds.researchers.len(), 3, "node-only C is kept as isolated");
        assert_eq!(ds.institutions.len(), 2);
        assert_eq!(ds.sector_of(1), Sector::Industry);
        assert_eq!(g.areas_of, vec![vec![0, 1], vec![1], vec![]]);
        assert!(g.known.institution && g.known.sector && g.known.area);
        let bad = write(
            d.path(),
            "bad.csv",
            "id,sector\nA,academia\nB,pharma\nA,industry\n",
        );
        let err = read(&e, Some(&bad), EncodingChoice::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bad.csv:3: column 'sector': \"pharma\" is not a sector"),
            "{err}"
        );
        assert!(
            err.contains("bad.csv:4: column 'id': \"A\" is listed twice (first on line 2)"),
            "{err}"
        );
    }

    #[test]
    fn header_only_and_one_column_are_file_errors() {
        let d = tempfile::tempdir().unwrap();
        let e = write(d.path(), "e.csv", "a,b\n");
        assert!(read(&e, None, EncodingChoice::Auto)
            .unwrap_err()
            .to_string()
            .contains("no edges"));
        let e = write(d.path(), "e1.csv", "a\nx\n");
        assert!(read(&e, None, EncodingChoice::Auto)
            .unwrap_err()
            .to_string()
            .contains("two researcher-ID columns"));
    }

    /// The edge file goes through the shared table layer: a CP932 file as
    /// older Japanese Excel saves it (CRLF, Japanese IDs), a tab-separated
    /// one, and a row with too many fields (rejected with the loader's
    /// wording, the other rows kept out of the result as the error says).
    #[test]
    fn cp932_tab_separated_and_ragged_rows_use_the_table_layer() {
        let d = tempfile::tempdir().unwrap();
        let (bytes, _, bad) =
            encoding_rs::SHIFT_JIS.encode("著者1,著者2,重み\r\n田中,鈴木,2\r\n鈴木,佐藤,\r\n");
        assert!(!bad);
        let e = d.path().join("sjis.csv");
        std::fs::write(&e, &bytes).unwrap();
        let g = read(&e, None, EncodingChoice::Auto).unwrap();
        let ids: Vec<&str> = g
            .dataset
            .researchers
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["田中", "鈴木", "佐藤"]);
        assert_eq!(g.edges[0].weight, 2.0);
        // Told explicitly, the same bytes read the same.
        let g = read(&e, None, EncodingChoice::ShiftJis).unwrap();
        assert_eq!(g.dataset.researchers[0].id, "田中");
        let err = read(&e, None, EncodingChoice::ShiftJis);
        assert!(err.is_ok());
        let bad_weight = {
            let (b, _, _) = encoding_rs::SHIFT_JIS.encode("著者1,著者2,重み\r\n田中,鈴木,重い\r\n");
            let p = d.path().join("sjis_bad.csv");
            std::fs::write(&p, &b).unwrap();
            read(&p, None, EncodingChoice::Auto)
                .unwrap_err()
                .to_string()
        };
        assert!(
            bad_weight.contains("sjis_bad.csv:2: column '重み': \"重い\" is not a number"),
            "{bad_weight}"
        );

        let e = write(d.path(), "tabs.tsv", "src\tdst\tw\nA\tB\t1\nB\tC\t2\n");
        let g = read(&e, None, EncodingChoice::Auto).unwrap();
        assert_eq!((g.edges.len(), g.edges[1].weight), (2, 2.0));

        let e = write(d.path(), "ragged.csv", "src,dst,w\nA,B,1\nB,C,2,9\n");
        let err = read(&e, None, EncodingChoice::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ragged.csv:3: row has 4 fields but the header has 3"),
            "{err}"
        );
    }

    /// An `.xlsx` edge list is read like the loader reads workbooks, and a
    /// bad cell is named by its address.
    #[test]
    fn xlsx_edge_list_names_the_cell() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("edges.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Edges").unwrap();
        for (r, row) in [["a", "b", "weight"], ["X", "Y", "1"], ["Y", "Z", "lots"]]
            .iter()
            .enumerate()
        {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        wb.save(&p).unwrap();
        let err = read(&p, None, EncodingChoice::Auto).unwrap_err();
        let EdgeFileError::Invalid(problems) = &err else {
            panic!("{err}");
        };
        assert_eq!(problems.len(), 1, "{err}");
        assert_eq!(problems[0].line, Some(3));
        assert_eq!(problems[0].cell.as_deref(), Some("Edges!C3"));
        assert_eq!(problems[0].field.as_deref(), Some("weight"));
    }
}
