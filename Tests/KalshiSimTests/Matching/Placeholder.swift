// Matching-engine tests live in this folder.
