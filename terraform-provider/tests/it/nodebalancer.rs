//! Tests of the nodebalancer family (see the family module in src/).
