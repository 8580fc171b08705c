"""Engine: coverage, trends, quality and indicator numbers (frames in, out)."""
