//! Tests of the lke family (see the family module in src/).
