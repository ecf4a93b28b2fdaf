"""Stage 5, output: what reaches `output/` and how. Fingerprints of every output, the build
cache, producing files only when their fingerprint changed, the write transaction that puts
them in place, the side process of large builds, and the validation of a built site."""
