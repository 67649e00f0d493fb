//! Tests of the catalog family (see the family module in src/).
