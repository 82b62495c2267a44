"""Package resource folder (installed as newsclf._configs): data files only; see newsclf.resources."""
