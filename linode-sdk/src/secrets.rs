//! Secret manager on versioned, client-side-encrypted Object Storage (work in progress).
