//! Tests of the dns family (see the family module in src/).
