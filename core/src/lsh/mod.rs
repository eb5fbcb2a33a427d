//! Locality-sensitive hashing.

pub mod angular;
