//! Trino's names for types, as `typeof` and Athena's messages say them, read back as
//! `CAST(… AS array(integer))` names them, and `typeof` itself.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields, IntervalUnit, TimeUnit};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::sqlparser::ast::Ident;
use datafusion::logical_expr::sqlparser::dialect::GenericDialect;
use datafusion::logical_expr::sqlparser::keywords::Keyword;
use datafusion::logical_expr::sqlparser::parser::{Parser, ParserError};
use datafusion::logical_expr::sqlparser::tokenizer::Token;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ExprSchemable, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use super::decimals::MOST_DIGITS;

/// Trino's `timestamp(3)`, in the engine's milliseconds (its SQL front's own are nanoseconds,
/// which hold no year before 1677 nor after 2262).
pub(super) const TIMESTAMP: DataType = DataType::Timestamp(TimeUnit::Millisecond, None);

/// `varchar`, `bigint`, `timestamp(3)`, `array(varchar)`, `map(varchar, bigint)`, `row(x integer)`, …
pub fn trino_type(kind: &DataType) -> String {
    match kind {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "varchar".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Int8 => "tinyint".into(),
        DataType::Int16 | DataType::UInt8 => "smallint".into(),
        DataType::Int32 | DataType::UInt16 => "integer".into(),
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => "bigint".into(),
        DataType::Float16 | DataType::Float32 => "real".into(),
        DataType::Float64 => "double".into(),
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => format!("decimal({p},{s})"),
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => format!("decimal({p},{s})"),
        DataType::Date32 | DataType::Date64 => "date".into(),
        // The sandbox's timestamps keep milliseconds, as Athena's tables do.
        DataType::Timestamp(unit, zone) => {
            let precision = match unit {
                TimeUnit::Second => 0,
                _ => 3,
            };
            match zone {
                Some(_) => format!("timestamp({precision}) with time zone"),
                None => format!("timestamp({precision})"),
            }
        }
        DataType::Time32(_) | DataType::Time64(_) => "time(3)".into(),
        DataType::Interval(IntervalUnit::YearMonth) => super::intervals::MONTHS.into(),
        kind if is_interval(kind) => super::intervals::DAYS.into(),
        DataType::List(item)
        | DataType::LargeList(item)
        | DataType::ListView(item)
        | DataType::FixedSizeList(item, _) => {
            format!("array({})", field_type(item))
        }
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(fields) if fields.len() == 2 => {
                format!("map({}, {})", field_type(&fields[0]), field_type(&fields[1]))
            }
            _ => "map".into(),
        },
        DataType::Struct(fields) if is_anonymous(fields) => {
            let inner: Vec<String> = fields.iter().map(|f| field_type(f)).collect();
            format!("row({})", inner.join(", "))
        }
        DataType::Struct(fields) => {
            let inner: Vec<String> =
                fields.iter().map(|f| format!("{} {}", field_name(f.name()), field_type(f))).collect();
            format!("row({})", inner.join(", "))
        }
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            "varbinary".into()
        }
        DataType::Null => "unknown".into(),
        other => other.to_string().to_lowercase(),
    }
}

/// A row field's name as Trino writes it: quoted unless a plain lower-case word.
fn field_name(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// The type of a column or of a part of a value: `json` where it holds JSON, else its type's.
pub fn field_type(field: &Field) -> String {
    if is_json(field) {
        JSON.into()
    } else {
        trino_type(field.data_type())
    }
}

/// Where a field says what Trino type it holds when the engine's own type does not (JSON is
/// text to the engine).
const TRINO_TYPE: &str = "lakeops:trino_type";

/// A field of JSON values: text to the engine, `json` to Trino (`CAST(json AS varchar)` reads
/// a JSON string's content, `typeof` says `json`).
pub fn json_field(name: impl Into<String>) -> Field {
    let trino = std::collections::HashMap::from([(TRINO_TYPE.to_string(), JSON.to_string())]);
    Field::new(name, DataType::Utf8, true).with_metadata(trino)
}

/// Trino's name of the type, and the mark of a JSON field.
const JSON: &str = "json";

fn marked_json(mark: Option<&String>) -> bool {
    mark.is_some_and(|t| t == JSON)
}

pub fn is_json(field: &Field) -> bool {
    marked_json(field.metadata().get(TRINO_TYPE))
}

/// The name of field `i` of a row whose fields have none (`ROW(1, 'a')`, `zip`'s rows): the
/// engine's own (`struct(…)` names them so), never shown: such a row prints as `{1, a}`.
pub fn anonymous_field(i: usize) -> String {
    format!("c{i}")
}

/// Whether a row's fields are nameless (named as `anonymous_field` names them).
pub fn is_anonymous(fields: &Fields) -> bool {
    !fields.is_empty() && fields.iter().enumerate().all(|(i, f)| *f.name() == anonymous_field(i))
}

/// A type named as Trino names it (`trino_type`'s words, or a query's): the inverse of
/// `trino_type` where the engine has the type. A JSON value is its text here, so `json` is
/// `varchar`.
pub fn parse_trino_type(text: &str) -> Result<DataType, ParserError> {
    let mut parser = Parser::new(&GenericDialect {}).try_with_sql(text)?;
    let kind = read_type(&mut parser)?;
    match parser.next_token().token {
        Token::EOF => Ok(kind),
        other => Err(ParserError::ParserError(format!("Unknown type: {text} (unexpected {other})"))),
    }
}

/// One type from `parser`: `array(T)`, `map(K, V)`, `row(name T, …)` or `row(T, …)`, or a
/// scalar type (`varchar(3)`, `decimal(10,2)`, `timestamp(3) with time zone`, …).
pub fn read_type(parser: &mut Parser) -> Result<DataType, ParserError> {
    read_nested(parser, 0)
}

/// Types nest at most this deep (`array(array(…))`): deeper would run the reader out of stack.
const DEEPEST_TYPE: usize = 32;

fn read_nested(parser: &mut Parser, depth: usize) -> Result<DataType, ParserError> {
    if depth > DEEPEST_TYPE {
        return Err(ParserError::ParserError(format!("A type nests at most {DEEPEST_TYPE} deep")));
    }
    let token = parser.next_token();
    let Token::Word(word) = &token.token else { return parser.expected("a type", token) };
    let name = word.value.to_ascii_lowercase();
    let kind = match name.as_str() {
        "array" => {
            parser.expect_token(&Token::LParen)?;
            let item = read_part(parser, Field::LIST_FIELD_DEFAULT_NAME, depth)?;
            parser.expect_token(&Token::RParen)?;
            DataType::List(Arc::new(item))
        }
        "map" => {
            parser.expect_token(&Token::LParen)?;
            let key = read_nested(parser, depth + 1)?;
            parser.expect_token(&Token::Comma)?;
            let value = read_part(parser, "value", depth)?;
            parser.expect_token(&Token::RParen)?;
            super::nested::map_of(Field::new("key", key, false), value)
        }
        "row" => {
            parser.expect_token(&Token::LParen)?;
            let mut fields = Vec::new();
            loop {
                let i = fields.len();
                let field = match parser.maybe_parse(|p| named_field(p, depth))? {
                    Some(field) => field,
                    None => read_part(parser, &anonymous_field(i), depth)?,
                };
                fields.push(field);
                if !parser.consume_token(&Token::Comma) {
                    break;
                }
            }
            parser.expect_token(&Token::RParen)?;
            DataType::Struct(Fields::from(fields))
        }
        "boolean" => DataType::Boolean,
        "tinyint" => DataType::Int8,
        "smallint" => DataType::Int16,
        "integer" | "int" => DataType::Int32,
        "bigint" => DataType::Int64,
        "real" => DataType::Float32,
        "double" => {
            let _ = parser.parse_keyword(Keyword::PRECISION);
            DataType::Float64
        }
        "decimal" => match numbers(parser)?.as_slice() {
            [] => DataType::Decimal128(MOST_DIGITS, 0),
            [p] => DataType::Decimal128(precision(*p)?, 0),
            [p, s] => DataType::Decimal128(precision(*p)?, scale(*p, *s)?),
            _ => return Err(ParserError::ParserError("decimal takes a precision and a scale".into())),
        },
        "varchar" | "char" | "json" => {
            numbers(parser)?;
            DataType::Utf8
        }
        "varbinary" => DataType::Binary,
        "date" => DataType::Date32,
        "timestamp" => {
            numbers(parser)?;
            let zone = parser.parse_keywords(&[Keyword::WITH, Keyword::TIME, Keyword::ZONE]);
            DataType::Timestamp(TimeUnit::Millisecond, zone.then(|| "UTC".into()))
        }
        _ => {
            let at = token.span.start;
            return Err(ParserError::ParserError(format!(
                "Unknown type: {} at Line: {}, Column: {}",
                word.value, at.line, at.column
            )));
        }
    };
    Ok(kind)
}

/// The field a query names: Trino's field names are case-insensitive (lower case), a quoted one
/// is kept as written.
pub fn field_name_of(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    }
}

/// `name type` in a row, followed by `,` or `)`.
fn named_field(parser: &mut Parser, depth: usize) -> Result<Field, ParserError> {
    let name = field_name_of(&parser.parse_identifier()?);
    let field = read_part(parser, &name, depth)?;
    match parser.peek_token().token {
        Token::Comma | Token::RParen => Ok(field),
        _ => parser.expected("`,` or `)`", parser.peek_token()),
    }
}

/// The type of a part of a value (an array's items, a map's values, a row's field), named
/// `name`: `json` is a JSON field.
fn read_part(parser: &mut Parser, name: &str, depth: usize) -> Result<Field, ParserError> {
    let json = matches!(&parser.peek_token().token, Token::Word(w) if w.value.eq_ignore_ascii_case("json"))
        && matches!(parser.peek_nth_token(1).token, Token::Comma | Token::RParen);
    if json {
        parser.next_token();
        return Ok(json_field(name));
    }
    Ok(Field::new(name, read_nested(parser, depth + 1)?, true))
}

/// A type's optional `(n[, m])`.
fn numbers(parser: &mut Parser) -> Result<Vec<u64>, ParserError> {
    let mut out = Vec::new();
    if parser.consume_token(&Token::LParen) {
        loop {
            out.push(parser.parse_literal_uint()?);
            if !parser.consume_token(&Token::Comma) {
                break;
            }
        }
        parser.expect_token(&Token::RParen)?;
    }
    Ok(out)
}

fn precision(p: u64) -> Result<u8, ParserError> {
    match u8::try_from(p) {
        Ok(p @ 1..=MOST_DIGITS) => Ok(p),
        _ => Err(ParserError::ParserError(format!("DECIMAL precision must be in range [1, {MOST_DIGITS}]: {p}"))),
    }
}

fn scale(p: u64, s: u64) -> Result<i8, ParserError> {
    match i8::try_from(s) {
        Ok(s) if s as u64 <= p => Ok(s),
        _ => Err(ParserError::ParserError(format!("DECIMAL scale must be in range [0, precision]: {s}"))),
    }
}

/// `typeof(x)`: the type's name, known when the query is planned. A literal's (`'cat'` is
/// `varchar(3)`, `123` an `integer`) is read from the statement before it is planned
/// (`literals`): planning folds `CAST(1 AS BIGINT)` into the same constant as `1`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TypeOf {
    signature: Signature,
}

impl TypeOf {
    pub fn udf() -> ScalarUDF {
        // Volatile only so that planning does not fold a call of constants by running it
        // before `simplify` sees that its argument is a literal; `simplify` answers every call.
        ScalarUDF::new_from_impl(TypeOf { signature: Signature::any(1, Volatility::Volatile) })
    }
}

impl ScalarUDFImpl for TypeOf {
    fn name(&self) -> &str {
        "typeof"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> Result<ExprSimplifyResult> {
        let [arg] = args.as_slice() else { return plan_err!("TYPE_MISMATCH: typeof takes one argument") };
        let name = match arg {
            // JSON folded into a constant keeps its mark on the constant.
            Expr::Literal(_, Some(marks)) if marked_json(marks.inner().get(TRINO_TYPE)) => JSON.into(),
            // An interval of months or years, which the engine holds as it holds one of days.
            other if super::intervals::kind(other, info.schema()) == Some(super::intervals::MONTHS) => {
                super::intervals::MONTHS.into()
            }
            other => match other.to_field(info.schema()) {
                Ok((_, field)) => field_type(&field),
                Err(_) => trino_type(&info.get_data_type(other)?),
            },
        };
        Ok(ExprSimplifyResult::Simplified(Expr::Literal(ScalarValue::Utf8(Some(name)), None)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        // Planning answers it (simplify); this is only reached if simplification was skipped.
        let kind = args.arg_fields.first().map(|f| field_type(f)).unwrap_or_default();
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(kind))))
    }
}

/// Whether the engine's `kind` holds one of Trino's intervals: an interval, or a duration (a
/// timestamp minus a timestamp, Trino's interval day to second).
pub(super) fn is_interval(kind: &DataType) -> bool {
    matches!(kind, DataType::Interval(_) | DataType::Duration(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nested_types_read_as_trino_writes_them() {
        let list = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
        assert_eq!(trino_type(&list), "array(varchar)");
        let entries =
            Fields::from(vec![Field::new("key", DataType::Utf8, false), Field::new("value", DataType::Int64, true)]);
        let map = DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false);
        assert_eq!(trino_type(&map), "map(varchar, bigint)");
        assert_eq!(trino_type(&DataType::Timestamp(TimeUnit::Nanosecond, None)), "timestamp(3)");
    }

    #[test]
    fn type_names_read_as_a_query_writes_them() {
        let read = |text: &str| parse_trino_type(text).map(|t| trino_type(&t)).map_err(|e| e.to_string());
        assert_eq!(read("ARRAY(INTEGER)").unwrap(), "array(integer)");
        assert_eq!(read("map(varchar(10), ARRAY(json))").unwrap(), "map(varchar, array(json))");
        assert_eq!(read("row(a json, json)").unwrap(), "row(a json, c1 json)");
        assert_eq!(read("ROW(Sum DOUBLE PRECISION, \"Count\" int)").unwrap(), "row(sum double, \"Count\" integer)");
        assert_eq!(read("row(\"first \"\"name\"\"\" varchar)").unwrap(), "row(\"first \"\"name\"\"\" varchar)");
        let deep = format!("{}integer{}", "array(".repeat(10_000), ")".repeat(10_000));
        assert!(read(&deep).unwrap_err().contains("A type nests at most 32 deep"));
        let deepest = format!("{}integer{}", "array(".repeat(32), ")".repeat(32));
        assert!(read(&deepest).is_ok());
        assert_eq!(
            read("row(bigint, timestamp(3) with time zone)").unwrap(),
            "row(bigint, timestamp(3) with time zone)"
        );
        assert_eq!(read("row(timestamp timestamp, date date)").unwrap(), "row(timestamp timestamp(3), date date)");
        assert_eq!(read("decimal(10, 2)").unwrap(), "decimal(10,2)");
        assert!(read("array(strange)").unwrap_err().contains("Unknown type: strange"));
        assert!(read("decimal(40)").unwrap_err().contains("DECIMAL precision must be in range [1, 38]: 40"));
        assert!(read("decimal(5, 6)").unwrap_err().contains("DECIMAL scale must be in range [0, precision]: 6"));
        assert!(read("array(integer").is_err());
        assert!(read("map(integer)").is_err());
        assert!(read("row()").is_err());
        assert!(read("integer integer").is_err());
    }

    /// The types a query can name: scalars, and arrays, maps and rows of them to any depth.
    fn nameable() -> impl Strategy<Value = DataType> {
        let scalar = prop_oneof![
            Just(DataType::Boolean),
            Just(DataType::Int8),
            Just(DataType::Int16),
            Just(DataType::Int32),
            Just(DataType::Int64),
            Just(DataType::Float32),
            Just(DataType::Float64),
            Just(DataType::Utf8),
            Just(DataType::Binary),
            Just(DataType::Date32),
            Just(DataType::Timestamp(TimeUnit::Millisecond, None)),
            Just(DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))),
            (1u8..=38).prop_flat_map(|p| (Just(p), 0..=p as i8)).prop_map(|(p, s)| DataType::Decimal128(p, s)),
        ];
        scalar.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(|t| DataType::List(Arc::new(Field::new_list_field(t, true)))),
                (inner.clone(), inner.clone()).prop_map(|(k, v)| super::super::nested::map_type(&k, &v)),
                (proptest::collection::vec((proptest::option::of("[a-zA-Z_][a-zA-Z0-9_ \"]{0,6}"), inner), 1..4))
                    .prop_map(|fields| {
                        let anonymous = fields.iter().any(|(name, _)| name.is_none());
                        DataType::Struct(
                            fields
                                .into_iter()
                                .enumerate()
                                .map(|(i, (name, t))| {
                                    let name = if anonymous { anonymous_field(i) } else { name.unwrap_or_default() };
                                    Field::new(name, t, true)
                                })
                                .collect(),
                        )
                    }),
            ]
        })
    }

    proptest! {
        /// What `typeof` and `CAST`'s rewrite write, `CAST` reads back as the same type.
        #[test]
        fn a_type_name_reads_back_as_its_type(kind in nameable()) {
            let name = trino_type(&kind);
            prop_assert_eq!(parse_trino_type(&name).map_err(|e| e.to_string()), Ok(kind), "{}", name);
        }

        /// Any text is a type or a clear error, never a panic.
        #[test]
        fn any_text_is_a_type_or_an_error(text in "\\PC{0,40}") {
            let _ = parse_trino_type(&text);
        }
    }
}
