//! Typed input rows: every file rdmatch reads that is not a data-folder
//! file (locks, score files, edits, edge and node lists, the standalone
//! conflicts file, a previous run's outputs, …) is one struct declared with
//! [`read_row!`](crate::read_row), whose fields are its columns. A
//! [`Layout`] maps a header onto the struct's fields (by name, by one of its
//! aliases, or by position for a headerless file), and [`Layout::row`] gives
//! each row of either reader (`read` or `stream`) as the struct, through
//! serde, with no copy of a cell.
//!
//! What a cell becomes: `&str` is the cell (trimmed unless the layout is
//! [`Layout::untrimmed`]); `Option<_>` is `None` when the file has no such
//! column or the cell is blank; numbers and `bool` are parsed, and a cell
//! that does not parse is a [`RowError`] naming the field. Readers whose
//! messages say more than "is not a number" (the unit, the range, what to
//! write instead) take the cell as `&str` and parse it themselves, so their
//! messages stay theirs.
//!
//! The data-folder files have their own typed rows (`load::rows`), read
//! column by column from the polars frame the loader checks.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};

use super::read::{Format, Position};

/// One field of an input row: its column name, the other names a header
/// may give the column, and whether the header must have it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// A row type of a file rdmatch reads: its fields, in declaration order.
pub trait InputRow {
    const FIELDS: &'static [Field];
}

/// Whether a field's type makes its column optional (`Option<_>`).
pub trait FieldType {
    const OPTIONAL: bool;
}

impl FieldType for &str {
    const OPTIONAL: bool = false;
}
impl<T> FieldType for Option<T> {
    const OPTIONAL: bool = true;
}
macro_rules! required_types {
    ($($t:ty),*) => { $(impl FieldType for $t { const OPTIONAL: bool = false; })* };
}
required_types!(String, f64, f32, u8, u16, u32, u64, usize, i32, i64, bool);

/// Declares an input row struct, its [`InputRow`] impl and its serde
/// `Deserialize` from one field list. The column name is the field name;
/// `| "alias"` adds other names a header may use; an `Option` field's
/// column may be absent, any other field's column is required. The struct
/// is also a [`CsvRow`](super::CsvRow), so a file rdmatch both reads and
/// writes (or a test that writes one) has one struct for both.
///
/// ```text
/// rdmatch::read_row! {
///     /// locks.csv: one pinned pair.
///     pub struct LockRow<'a> {
///         pub proposal_id: &'a str,
///         pub researcher_id: &'a str | "reviewer_id",
///         pub lock: Option<&'a str>,
///     }
/// }
/// ```
#[macro_export]
macro_rules! read_row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident<$lt:lifetime> {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty $(| $alias:literal)* ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        $vis struct $name<$lt> {
            $( $(#[$fmeta])* $fvis $field : $ty ),*
        }
        impl<$lt> $crate::table::typed::InputRow for $name<$lt> {
            const FIELDS: &'static [$crate::table::typed::Field] = &[
                $( $crate::table::typed::Field {
                    name: stringify!($field),
                    aliases: &[$($alias),*],
                    required: !<$ty as $crate::table::typed::FieldType>::OPTIONAL,
                } ),*
            ];
        }
        impl<$lt> $crate::table::CsvRow for $name<$lt> {
            const COLUMNS: &'static [&'static str] = &[ $( stringify!($field) ),* ];
        }
        impl<'de: $lt, $lt> serde::Deserialize<'de> for $name<$lt> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<$lt>(std::marker::PhantomData<&$lt ()>);
                impl<'de: $lt, $lt> serde::de::Visitor<'de> for V<$lt> {
                    type Value = $name<$lt>;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a row of ", stringify!($name)))
                    }
                    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut __seq: S) -> Result<Self::Value, S::Error> {
                        let mut __k = 0usize;
                        $(
                            let $field: $ty = match __seq.next_element()? {
                                Some(__v) => __v,
                                None => return Err(serde::de::Error::invalid_length(__k, &self)),
                            };
                            __k += 1;
                        )*
                        let _ = __k;
                        Ok($name { $($field),* })
                    }
                }
                const NAMES: &[&str] = &[$(stringify!($field)),*];
                d.deserialize_struct(stringify!($name), NAMES, V(std::marker::PhantomData))
            }
        }
    };
}

/// The cells of one row, from either reader of the table layer.
pub trait Cells<'a> {
    /// Cell `k`, or "" past the end.
    fn cell(&self, k: usize) -> &'a str;
    /// Number of cells.
    fn width(&self) -> usize;
}

impl<'a> Cells<'a> for super::read::Row<'a> {
    fn cell(&self, k: usize) -> &'a str {
        self.get(k)
    }
    fn width(&self) -> usize {
        self.len()
    }
}

impl<'a> Cells<'a> for super::stream::Cells<'a> {
    fn cell(&self, k: usize) -> &'a str {
        self.get(k)
    }
    fn width(&self) -> usize {
        self.len()
    }
}

impl<'a> Cells<'a> for &'a [String] {
    fn cell(&self, k: usize) -> &'a str {
        self.get(k).map_or("", String::as_str)
    }
    fn width(&self) -> usize {
        self.len()
    }
}

/// How header cells are compared with field names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// Equal, as the data-folder files are read.
    Exact,
    /// ASCII case ignored (files written by other tools or by hand).
    IgnoreCase,
}

/// Where each field of a row type is in a file: the column of each field
/// (`None`: the file has no such column) and the header text of that
/// column, which messages name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    cols: Vec<Option<usize>>,
    names: Vec<String>,
    trim: bool,
}

impl Layout {
    /// Finds each field of `R` in `header`: its name first, then each alias
    /// in turn (the first that a header cell has wins).
    pub fn find<R: InputRow>(header: &[String], names: Names) -> Layout {
        let clean = |h: &str| h.trim().trim_start_matches('\u{feff}').to_string();
        let same = |h: &str, n: &str| match names {
            Names::Exact => clean(h) == n,
            Names::IgnoreCase => clean(h).eq_ignore_ascii_case(n),
        };
        let mut cols = Vec::with_capacity(R::FIELDS.len());
        let mut found = Vec::with_capacity(R::FIELDS.len());
        for f in R::FIELDS {
            let col = std::iter::once(f.name)
                .chain(f.aliases.iter().copied())
                .find_map(|n| header.iter().position(|h| same(h, n)));
            cols.push(col);
            found.push(col.map_or_else(|| f.name.to_string(), |c| clean(&header[c])));
        }
        Layout {
            cols,
            names: found,
            trim: true,
        }
    }

    /// Fields by position: field `i` is column `cols[i]`, named `names[i]`
    /// in messages (a headerless file, or one read by column order).
    pub fn positional(cols: Vec<Option<usize>>, names: Vec<String>) -> Layout {
        Layout {
            cols,
            names,
            trim: true,
        }
    }

    /// Cells as written, white space kept (for a reader that warns about it).
    pub fn untrimmed(mut self) -> Layout {
        self.trim = false;
        self
    }

    /// Puts field `field` at column `col`, named `name` in messages.
    pub fn set(&mut self, field: usize, col: usize, name: &str) {
        if let Some(c) = self.cols.get_mut(field) {
            *c = Some(col);
            self.names[field] = name.to_string();
        }
    }

    /// The required fields of `R` the header lacks, in field order.
    pub fn missing<R: InputRow>(&self) -> Vec<&'static str> {
        R::FIELDS
            .iter()
            .zip(&self.cols)
            .filter(|(f, c)| f.required && c.is_none())
            .map(|(f, _)| f.name)
            .collect()
    }

    /// The column of field `field`, if the file has it.
    pub fn column(&self, field: usize) -> Option<usize> {
        self.cols.get(field).copied().flatten()
    }

    /// The header text of field `field`'s column (its own name when the
    /// file has no such column).
    pub fn name(&self, field: usize) -> &str {
        self.names.get(field).map_or("", String::as_str)
    }

    /// The header texts of the fields, in field order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// `Sheet!C7`: the cell of field `field` in the row at `pos`, for a
    /// workbook; `None` for text files.
    pub fn address(&self, format: &Format, pos: &Position, field: usize) -> Option<String> {
        let sheet = format.sheet.as_deref()?;
        Some(format!("{sheet}!{}", pos.cell(self.column(field)?)?))
    }

    /// One row as `R`.
    pub fn row<'a, R: serde::Deserialize<'a>>(
        &self,
        cells: &impl Cells<'a>,
    ) -> Result<R, RowError> {
        R::deserialize(RowDe {
            cells,
            layout: self,
            i: 0,
        })
    }
}

/// A cell that is not what its field holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The field (index in the row type), when known.
    pub field: Option<usize>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RowError {}

impl de::Error for RowError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        RowError {
            field: None,
            message: msg.to_string(),
        }
    }
}

/// A row as serde sees it: a sequence of cells in field order.
struct RowDe<'l, C> {
    cells: &'l C,
    layout: &'l Layout,
    i: usize,
}

impl<'de, C: Cells<'de>> Deserializer<'de> for RowDe<'_, C> {
    type Error = RowError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, RowError> {
        v.visit_seq(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, C: Cells<'de>> SeqAccess<'de> for RowDe<'_, C> {
    type Error = RowError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, RowError> {
        let k = self.i;
        let Some(col) = self.layout.cols.get(k) else {
            return Ok(None);
        };
        self.i += 1;
        let cell = col.map(|c| {
            let s = self.cells.cell(c);
            if self.layout.trim {
                s.trim()
            } else {
                s
            }
        });
        seed.deserialize(CellDe(cell))
            .map(Some)
            .map_err(|e| RowError {
                field: Some(k),
                ..e
            })
    }
}

/// One cell; `None` when the file has no such column.
struct CellDe<'a>(Option<&'a str>);

impl CellDe<'_> {
    fn text(&self) -> &str {
        self.0.unwrap_or("")
    }

    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, RowError> {
        let s = self.text();
        s.parse()
            .map_err(|_| de::Error::custom(format!("\"{s}\" is not {what}")))
    }
}

macro_rules! parse_as {
    ($($method:ident $visit:ident $t:ty, $what:literal;)*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, RowError> {
            v.$visit(self.parse::<$t>($what)?)
        })*
    };
}

impl<'de> Deserializer<'de> for CellDe<'de> {
    type Error = RowError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, RowError> {
        v.visit_borrowed_str(self.0.unwrap_or(""))
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, RowError> {
        match self.0 {
            None | Some("") => v.visit_none(),
            Some(_) => v.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, RowError> {
        match self.text().to_ascii_lowercase().as_str() {
            "true" => v.visit_bool(true),
            "false" => v.visit_bool(false),
            other => Err(de::Error::custom(format!(
                "\"{other}\" is not true or false"
            ))),
        }
    }

    parse_as! {
        deserialize_f64 visit_f64 f64, "a number";
        deserialize_f32 visit_f32 f32, "a number";
        deserialize_u8 visit_u8 u8, "a whole number ≥ 0";
        deserialize_u16 visit_u16 u16, "a whole number ≥ 0";
        deserialize_u32 visit_u32 u32, "a whole number ≥ 0";
        deserialize_u64 visit_u64 u64, "a whole number ≥ 0";
        deserialize_i8 visit_i8 i8, "a whole number";
        deserialize_i16 visit_i16 i16, "a whole number";
        deserialize_i32 visit_i32 i32, "a whole number";
        deserialize_i64 visit_i64 i64, "a whole number";
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_bytes, CsvRow, CsvWriter, ReadOptions};
    use proptest::prelude::*;

    crate::read_row! {
        /// Every kind of field an input row holds.
        struct Sample<'a> {
            id: &'a str | "ident" | "key",
            label: Option<&'a str>,
            score: f64 | "affinity",
            count: Option<u32>,
        }
    }

    fn table(text: &str) -> crate::table::RawTable {
        read_bytes(
            text.as_bytes(),
            &ReadOptions {
                header: true,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn fields_are_named_required_by_type_and_found_by_alias() {
        let names: Vec<(&str, bool)> = Sample::FIELDS
            .iter()
            .map(|f| (f.name, f.required))
            .collect();
        assert_eq!(
            names,
            [
                ("id", true),
                ("label", false),
                ("score", true),
                ("count", false)
            ]
        );
        let t = table("Affinity,KEY,other\n0.5, a ,x\n");
        let l = Layout::find::<Sample>(&t.header, Names::IgnoreCase);
        assert_eq!(l.missing::<Sample>(), Vec::<&str>::new());
        assert_eq!(
            (l.column(0), l.column(1), l.column(2)),
            (Some(1), None, Some(0))
        );
        assert_eq!(l.name(0), "KEY");
        let row: Sample = l.row(&t.row(0)).unwrap();
        assert_eq!(
            row,
            Sample {
                id: "a",
                label: None,
                score: 0.5,
                count: None
            }
        );
        // Exact names do not match another case.
        let l = Layout::find::<Sample>(&t.header, Names::Exact);
        assert_eq!(l.missing::<Sample>(), ["id", "score"]);
    }

    #[test]
    fn a_bad_number_names_its_field_and_blank_optionals_are_none() {
        let t = table("id,label,score,count\nx,,1,\ny,l,2,many\n");
        let l = Layout::find::<Sample>(&t.header, Names::Exact);
        let first: Sample = l.row(&t.row(0)).unwrap();
        assert_eq!((first.label, first.count), (None, None));
        let e = l.row::<Sample>(&t.row(1)).unwrap_err();
        assert_eq!(e.field, Some(3));
        assert_eq!(e.message, "\"many\" is not a whole number ≥ 0");
    }

    #[test]
    fn untrimmed_layouts_keep_white_space() {
        let t = table("id,score\n a ,1\n");
        let l = Layout::find::<Sample>(&t.header, Names::Exact).untrimmed();
        let r: Sample = l.row(&t.row(0)).unwrap();
        assert_eq!(r.id, " a ");
    }

    crate::table_row! {
        /// A row as written, to be read back as [`Sample`].
        struct Written {
            id: String,
            label: Option<String>,
            score: f64,
            count: Option<u32>,
        }
    }

    proptest! {
        /// A row written through the one writer reads back through the one
        /// reader as the same typed row (text guarded, numbers in the one
        /// float format).
        #[test]
        fn written_rows_read_back(
            id in "[a-zA-Z0-9=@+ -]{1,8}",
            label in proptest::option::of("[a-z]{1,5}"),
            score in -1e6f64..1e6,
            count in proptest::option::of(any::<u32>()),
        ) {
            prop_assume!(!id.trim().is_empty());
            let mut w = CsvWriter::new(Vec::new());
            w.header::<Written>().unwrap();
            w.serialize(&Written { id: id.clone(), label: label.clone(), score, count }).unwrap();
            let bytes = w.into_inner().unwrap();
            let t = table(std::str::from_utf8(&bytes).unwrap());
            prop_assert_eq!(t.header.as_slice(), Written::COLUMNS);
            let l = Layout::find::<Sample>(&t.header, Names::Exact);
            let r: Sample = l.row(&t.row(0)).unwrap();
            let guarded = crate::table::neutralise(&id).into_owned();
            prop_assert_eq!(r.id, guarded.trim());
            prop_assert_eq!(r.label, label.as_deref());
            prop_assert_eq!(r.score, crate::table::num(score).parse::<f64>().unwrap());
            prop_assert_eq!(r.count, count);
        }
    }
}
