//! Tests of the object_storage family (see the family module in src/).
