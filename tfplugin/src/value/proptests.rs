//! Property tests: every type, nested, with null and unknown anywhere (unknown in MessagePack
//! only: JSON has none), survives an encode and decode round trip.

use proptest::prelude::*;

use super::{Number, Type, Value};

/// Any type, up to four levels deep.
fn any_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![Just(Type::String), Just(Type::Number), Just(Type::Bool), Just(Type::Dynamic)];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z_]{1,6}", inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..4).prop_map(Type::Tuple),
        ]
    })
}

/// Numbers of every representation: integers, unsigned, finite floats, decimals too long for
/// any machine type, huge and tiny exponents.
fn any_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Number::from),
        ("-?[0-9]{1,40}", "[0-9]{0,20}", -500i64..500)
            .prop_filter_map("a number", |(i, f, e)| Number::parse(&format!("{i}.{f}e{e}"))),
    ]
}

/// A known value of a plain type, for `dynamic` attributes (the value then carries its type).
fn any_dynamic() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(Value::String),
        any_number().prop_map(Value::Number),
        any::<bool>().prop_map(Value::Bool),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Tuple),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..3).prop_map(Value::Object),
        ]
    })
}

/// A value of `ty`: null, unknown (when `unknowns`) or known, at every level.
fn value_of(ty: &Type, unknowns: bool) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::String => any::<String>().prop_map(Value::String).boxed(),
        Type::Number => any_number().prop_map(Value::Number).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Dynamic => any_dynamic().boxed(),
        Type::List(t) => prop::collection::vec(value_of(t, unknowns), 0..4).prop_map(Value::List).boxed(),
        Type::Set(t) => prop::collection::vec(value_of(t, unknowns), 0..4).prop_map(Value::set).boxed(),
        Type::Map(t) => prop::collection::btree_map("\\PC{0,5}", value_of(t, unknowns), 0..4).prop_map(Value::Map).boxed(),
        Type::Object(attrs) => attrs
            .iter()
            .map(|(k, t)| {
                let k = k.clone();
                value_of(t, unknowns).prop_map(move |v| (k.clone(), v))
            })
            .collect::<Vec<_>>()
            .prop_map(|attrs| Value::Object(attrs.into_iter().collect()))
            .boxed(),
        Type::Tuple(ts) => ts.iter().map(|t| value_of(t, unknowns)).collect::<Vec<_>>().prop_map(Value::Tuple).boxed(),
    };
    if unknowns {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::unknown()), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

fn typed_value(unknowns: bool) -> impl Strategy<Value = (Type, Value)> {
    any_type().prop_flat_map(move |ty| {
        let values = value_of(&ty, unknowns);
        (Just(ty), values)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn msgpack_round_trips((ty, value) in typed_value(true)) {
        let bytes = value.to_msgpack(&ty).map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
        let back = Value::from_msgpack(&bytes, &ty).map_err(|e| TestCaseError::fail(format!("decode: {e}")))?;
        prop_assert_eq!(back, value);
    }

    #[test]
    fn json_round_trips((ty, value) in typed_value(false)) {
        let text = value.to_json(&ty).map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
        let back = Value::from_json(text.as_bytes(), &ty).map_err(|e| TestCaseError::fail(format!("decode {text}: {e}")))?;
        prop_assert_eq!(back, value, "{}", text);
    }
}
