"""What helps authors write files: new entries (`new`), raw texts read into drafts
(`import`), and new sites (`init`, from `skeleton/`)."""
