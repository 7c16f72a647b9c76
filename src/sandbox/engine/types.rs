//! Trino's names for types, as `typeof` and Athena's messages say them, and `typeof` itself.

use datafusion::arrow::datatypes::{DataType, IntervalUnit, TimeUnit};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

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
        DataType::Interval(IntervalUnit::YearMonth) => "interval year to month".into(),
        DataType::Interval(_) | DataType::Duration(_) => "interval day to second".into(),
        DataType::List(item)
        | DataType::LargeList(item)
        | DataType::ListView(item)
        | DataType::FixedSizeList(item, _) => {
            format!("array({})", trino_type(item.data_type()))
        }
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(fields) if fields.len() == 2 => {
                format!("map({}, {})", trino_type(fields[0].data_type()), trino_type(fields[1].data_type()))
            }
            _ => "map".into(),
        },
        DataType::Struct(fields) => {
            let inner: Vec<String> =
                fields.iter().map(|f| format!("{} {}", f.name(), trino_type(f.data_type()))).collect();
            format!("row({})", inner.join(", "))
        }
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            "varbinary".into()
        }
        DataType::Null => "unknown".into(),
        other => other.to_string().to_lowercase(),
    }
}

/// `typeof(x)`: the type's name, known when the query is planned. A literal has Trino's
/// literal type: `'cat'` is `varchar(3)`, `123` an `integer`.
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
            Expr::Literal(ScalarValue::Utf8(Some(s)) | ScalarValue::Utf8View(Some(s)), _) => {
                format!("varchar({})", s.chars().count())
            }
            Expr::Literal(ScalarValue::Int64(Some(n)), _) if i32::try_from(*n).is_ok() => "integer".into(),
            other => trino_type(&info.get_data_type(other)?),
        };
        Ok(ExprSimplifyResult::Simplified(Expr::Literal(ScalarValue::Utf8(Some(name)), None)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        // Planning answers it (simplify); this is only reached if simplification was skipped.
        let kind = args.arg_fields.first().map(|f| trino_type(f.data_type())).unwrap_or_default();
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(kind))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{Field, Fields};
    use std::sync::Arc;

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
}
