"""Package resource folder (installed as newsclf._annotations): data files only; see newsclf.resources."""
