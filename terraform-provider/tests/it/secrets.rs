//! Tests of the secrets family (see the family module in src/).
