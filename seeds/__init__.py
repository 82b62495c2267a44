"""Package resource folder (installed as newsclf._seeds): data files only; see newsclf.resources."""
