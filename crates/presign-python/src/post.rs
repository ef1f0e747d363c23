//! `Client.generate_presigned_post`: boto3's `Fields` and `Conditions` as
//! the core's [`presign::PostPolicy`], signed by [`presign::presign_post`].
//!
//! Conditions are JSON values: a dict (`{"acl": "public-read"}`) or a list
//! (`["starts-with", "$key", "uploads/"]`, `["content-length-range", 1,
//! 10485760]`), turned into [`PolicyValue`]s in the order Python gives them,
//! so the policy document is the bytes botocore's `json.dumps` writes.

use presign::{Condition, PolicyValue};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::errors::type_error;
use crate::operations::text;

/// `value`, a JSON-like Python value, as a [`PolicyValue`].
fn policy_value(what: &str, value: &Bound<'_, PyAny>) -> PyResult<PolicyValue> {
    if value.is_none() {
        return Ok(PolicyValue::Null);
    }
    if value.is_instance_of::<PyBool>() {
        return Ok(PolicyValue::Bool(value.is_truthy()?));
    }
    if value.is_instance_of::<PyInt>() {
        return value
            .extract::<i128>()
            .map(PolicyValue::Integer)
            .map_err(|_| type_error(what, "an int within 128 bits", value));
    }
    if value.is_instance_of::<PyFloat>() {
        return Ok(PolicyValue::Float(value.extract()?));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(PolicyValue::String(value.extract()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut members = Vec::with_capacity(dict.len());
        for (name, member) in dict.iter() {
            let name = text(format_args!("a key in {what}"), &name)?;
            let member = policy_value(&format!("{what}[{name:?}]"), &member)?;
            members.push((name, member));
        }
        return Ok(PolicyValue::Object(members));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()?
            .enumerate()
            .map(|(index, item)| policy_value(&format!("{what}[{index}]"), &item?))
            .collect::<PyResult<_>>()?;
        return Ok(PolicyValue::Array(items));
    }
    Err(type_error(
        what,
        "a str, int, float, bool, None, list or dict",
        value,
    ))
}

/// boto3's `Conditions` (a list, or `None`).
pub(crate) fn conditions(given: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Condition>> {
    let Some(given) = given.filter(|given| !given.is_none()) else {
        return Ok(Vec::new());
    };
    if !given.is_instance_of::<PyList>() && !given.is_instance_of::<PyTuple>() {
        return Err(type_error("Conditions", "a list", given));
    }
    given
        .try_iter()?
        .enumerate()
        .map(|(index, condition)| {
            let condition = condition?;
            let what = format!("Conditions[{index}]");
            if !condition.is_instance_of::<PyDict>()
                && !condition.is_instance_of::<PyList>()
                && !condition.is_instance_of::<PyTuple>()
            {
                return Err(type_error(&what, "a dict or a list", &condition));
            }
            Ok(Condition::from_value(policy_value(&what, &condition)?))
        })
        .collect()
}

/// boto3's `Fields` (a dict with str keys, or `None`), in order: the text
/// the core is given for each, and the value as given. Fields are not
/// signed, so a value that is not a `str` is handed back as it is (as
/// botocore does) and given to the core as its `str()`.
pub(crate) fn fields<'py>(
    given: Option<&Bound<'py, PyAny>>,
) -> PyResult<Vec<(String, String, Bound<'py, PyAny>)>> {
    let Some(given) = given.filter(|given| !given.is_none()) else {
        return Ok(Vec::new());
    };
    let dict = given
        .cast::<PyDict>()
        .map_err(|_| type_error("Fields", "a dict with str keys", given))?;
    dict.iter()
        .map(|(name, value)| {
            let name = text("a key of Fields", &name)?;
            let written = value.str()?.to_string();
            Ok((name, written, value))
        })
        .collect()
}

/// The value to hand back for the signed form's field `name` whose text is
/// `written`: the caller's own value for a field of `Fields` the core did not
/// set ([`presign::POST_SIGNED_FIELDS`] are the ones it sets), else the text.
pub(crate) fn field_value<'py>(
    py: Python<'py>,
    given: &[(String, String, Bound<'py, PyAny>)],
    name: &str,
    written: &str,
) -> Bound<'py, PyAny> {
    if !presign::POST_SIGNED_FIELDS.contains(&name)
        && let Some((_, _, value)) = given.iter().find(|(given, _, _)| given == name)
    {
        return value.clone();
    }
    PyString::new(py, written).into_any()
}
